"""The payload of each change proposal, validated and written in its canonical stored form (errors name the field)."""

from collections.abc import Mapping

from sqlmodel import Session

from governance import charter, members, rules
from governance.errors import Conflict, RuleViolation
from governance.log.charter_rules import SETTINGS, CharterError, apply_change
from governance.models import Coalition, Member
from governance.text import check_slug, clean_text, slugify
from voting.exact import format_exact

__all__ = ["normalize_payload"]

SETUP_KINDS = ("rule_change", "admission")  # what a coalition in set-up may decide by ballot, as before its charter


def _object(value: object, field: str) -> Mapping:
    if not isinstance(value, Mapping):
        raise RuleViolation("%(field)s must be a JSON object.", field=field)
    return value


def _reason(payload: Mapping, *, required: bool) -> str:
    return clean_text(str(payload.get("reason") or ""), field="payload.reason", max_length=1000, required=required)


def _only(payload: Mapping, allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(payload) - set(allowed))
    if unknown:
        raise RuleViolation("payload.%(field)s: unknown field; this kind takes %(allowed)s.", field=unknown[0],
                            allowed=", ".join(allowed))


def _rules(value: object, field: str) -> dict:
    changes = _object(value, field)
    if not changes:
        raise RuleViolation("%(field)s must name at least one proposal kind.", field=field)
    normalized = {}
    for kind, rule in changes.items():
        if kind not in rules.KINDS:
            raise RuleViolation("%(field)s.%(kind)s: there is no such proposal kind; the kinds are %(kinds)s.",
                                field=field, kind=kind, kinds=", ".join(rules.KINDS))
        try:
            normalized[kind] = rules.normalize_rule(kind, _object(rule, f"{field}.{kind}"))
        except RuleViolation as error:
            raise RuleViolation("%(field)s.%(kind)s: %(error)s", field=field, kind=kind, error=error.message) from None
    return normalized


def _member_slug(session: Session, coalition: Coalition, value: object, field: str) -> Member:
    member = members.find_member(session, coalition=coalition, slug=str(value)) if isinstance(value, str) else None
    if member is None:
        raise RuleViolation("%(field)s: %(coalition)s has no member %(slug)s.", field=field, coalition=coalition.name,
                            slug=repr(value))
    return member


def _weights(session: Session, coalition: Coalition, payload: Mapping) -> dict:
    _only(payload, ("weights", "basis", "reason"))
    weights = _object(payload.get("weights"), "payload.weights")
    if not weights:
        raise RuleViolation("payload.weights must name at least one member.")
    exact = {}
    for slug, weight in weights.items():
        _member_slug(session, coalition, slug, "payload.weights")
        try:
            exact[slug] = format_exact(members.parse_weight(weight))
        except RuleViolation as error:
            raise RuleViolation("payload.weights.%(slug)s: %(error)s", slug=slug, error=error.message) from None
    basis = payload.get("basis")
    basis = None if basis is None else clean_text(str(basis), field="payload.basis", max_length=200, required=False)
    return {"weights": exact, "basis": basis, "reason": _reason(payload, required=True)}


def _admission(session: Session, coalition: Coalition, payload: Mapping) -> dict:
    _only(payload, ("name", "slug", "country", "weight", "basis", "reason"))
    name = clean_text(str(payload.get("name") or ""), field="payload.name", max_length=200)
    try:
        weight = format_exact(members.parse_weight(payload.get("weight", 1)))
    except RuleViolation as error:
        raise RuleViolation("payload.weight: %(error)s", error=error.message) from None
    slug = payload.get("slug") or slugify(name, fallback="member")
    slug = check_slug(str(slug), what="Member")
    if members.find_member(session, coalition=coalition, slug=slug):
        raise RuleViolation("payload.slug: the member slug %(slug)s is taken; give another.", slug=repr(slug))
    return {"name": name, "slug": slug, "weight": weight,
            "country": clean_text(str(payload.get("country") or ""), field="payload.country", max_length=100,
                                  required=False),
            "basis": clean_text(str(payload.get("basis") or ""), field="payload.basis", max_length=200, required=False),
            "reason": _reason(payload, required=False)}


def _amendment(payload: Mapping) -> dict:
    _only(payload, ("text", "settings", "rules", "reason"))
    text = payload.get("text")
    settings = _object(payload.get("settings") or {}, "payload.settings")
    for name in settings:
        if name not in SETTINGS:
            raise RuleViolation("payload.settings.%(name)s: there is no such charter setting; the settings are "
                                "%(settings)s.", name=name, settings=", ".join(SETTINGS))
    settings = charter.exact_settings(settings, field="payload.settings")
    return {"text": None if text is None else clean_text(str(text), field="payload.text", max_length=charter.MAX_TEXT),
            "settings": dict(settings), "rules": _rules(payload["rules"], "payload.rules") if payload.get("rules") else {},
            "reason": _reason(payload, required=False)}


def _shape(session: Session, coalition: Coalition, kind: str, payload: Mapping) -> dict:
    if kind == "rule_change":
        _only(payload, ("rules", "reason"))
        return {"rules": _rules(payload.get("rules"), "payload.rules"), "reason": _reason(payload, required=False)}
    if kind == "weight_change":
        return _weights(session, coalition, payload)
    if kind == "admission":
        return _admission(session, coalition, payload)
    if kind == "charter_amendment":
        return _amendment(payload)
    _only(payload, ("member", "reason"))
    member = _member_slug(session, coalition, payload.get("member"), "payload.member")
    return {"member": member.slug, "reason": _reason(payload, required=True)}


def normalize_payload(session: Session, coalition: Coalition, kind: str, payload: Mapping[str, object]) -> dict:
    """The canonical payload of a ``kind`` proposal, checked against the charter in force (or the set-up state)."""
    if kind not in rules.YES_NO_KINDS or kind == "decision":
        if payload:
            raise RuleViolation("A %(kind)s proposal takes no payload.", kind=kind)
        return {}
    current = charter.charter_in_force(session, coalition)
    if current is None and kind not in SETUP_KINDS:
        raise Conflict("%(coalition)s is still in set-up: a %(kind)s proposal needs its adopted charter; the "
                       "secretariat records the founding act first.", coalition=coalition.name, kind=kind)
    normalized = _shape(session, coalition, kind, _object(payload, "payload"))
    if current is not None:
        try:
            apply_change(charter.document(current), kind, normalized)
        except CharterError as error:
            raise RuleViolation("payload: %(error)s", error=str(error)) from None
    return normalized
