"""The change proposal form's fields, and the payload each kind builds from them (governance checks the rest)."""

FORM_KINDS = ("weight_change", "rule_change", "admission", "suspension", "readmission", "expulsion",
              "charter_amendment")
FIELDS = ("title", "body", "reason", "member", "weight", "basis", "name", "country", "rule_kind", "counting",
          "member_threshold", "weight_threshold", "quorum_members", "quorum_weight", "text", "witness_quorum",
          "moderators", "signed_votes")


def blank_values() -> dict[str, str]:
    return dict.fromkeys(FIELDS, "")


def _share(value: str) -> str | None:
    value = value.strip().rstrip("%").strip()
    if not value:
        return None
    return f"{value}/100" if "/" not in value else value


def _rule(values: dict[str, str]) -> dict:
    rule: dict = {"counting": values["counting"] or "equal"}
    for field in ("member_threshold", "weight_threshold"):
        share = _share(values[field])
        if share:
            rule[field] = {"fraction": share, "strict": False}
    for field in ("quorum_members", "quorum_weight"):
        share = _share(values[field])
        if share:
            rule[field] = share
    return rule


def _signed_votes(text: str) -> str | list[str]:
    """"all", "none" (no signature required) or proposal kinds separated by commas."""
    words = [kind.strip() for kind in text.split(",") if kind.strip()]
    if words in (["all"], ["none"]):
        return "all" if words == ["all"] else []
    return words


def payload_from_form(kind: str, values: dict[str, str]) -> dict:
    """The payload of a ``kind`` proposal from the form's text fields (percentages as "60" or "60%")."""
    reason = values["reason"]
    if kind == "weight_change":
        return {"weights": {values["member"]: values["weight"].strip()}, "reason": reason,
                **({"basis": values["basis"]} if values["basis"].strip() else {})}
    if kind == "rule_change":
        return {"rules": {values["rule_kind"] or "decision": _rule(values)}, "reason": reason}
    if kind == "admission":
        return {"name": values["name"], "country": values["country"], "weight": values["weight"].strip() or "1",
                "basis": values["basis"], "reason": reason}
    if kind == "charter_amendment":
        settings: dict = {}
        if values["witness_quorum"].strip():
            settings["witness_quorum"] = int(values["witness_quorum"]) if values["witness_quorum"].strip().isdigit() \
                else values["witness_quorum"]
        if values["moderators"].strip():
            settings["moderators"] = [slug.strip() for slug in values["moderators"].split(",") if slug.strip()]
        if values["signed_votes"].strip():
            settings["signed_votes"] = _signed_votes(values["signed_votes"])
        return {**({"text": values["text"]} if values["text"].strip() else {}),
                **({"settings": settings} if settings else {}), "reason": reason}
    return {"member": values["member"], "reason": reason}
