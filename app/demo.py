"""The demo coalition: a fictional regional network of women's peace organizations with uneven weights."""

from datetime import datetime, timedelta

from sqlmodel import select

from app import demo_deliberation, demo_keys, demo_proxies, demo_witnesses, migrate
from app.db import make_engine, read_session
from app.design_jobs import DesignOptions, problem_for, record_design
from app.logkeys import LogKeys
from app.settings import Settings
from app.tasks import signed_write_session
from app.i18n import LOCALES
from governance import (accounts, applications, ballots, charter, coalitions, comments, members, power, proposals,
                        subscriptions)
from governance.clock import utcnow
from governance.models import Coalition, metadata
from governance.notices import CHANNELS, KINDS

SLUG = "wpn"
ADMIN = ("secretariat", "demo-secretariat-2026")
REP_PASSWORD = "demo-representative"
TIME_ZONE = "Asia/Baghdad"  # the region's: the secretariat works from Baghdad

ORGANIZATIONS = [  # name, country, weight, basis, slug
    ("Baghdad Women's Dialogue Forum", "Iraq", "1200", "1,200 members", "baghdad-dialogue"),
    ("Kurdistan Women Mediators", "Iraq", "640", "640 members", "kurdistan-mediators"),
    ("Nuba Mountains Peace Mothers", "Sudan", "310", "310 members", "nuba-peace-mothers"),
    ("Khartoum Women for Ceasefire", "Sudan", "980", "980 members", "khartoum-ceasefire"),
    ("Darfur Women's Solidarity Network", "Sudan", "455", "455 members", "darfur-solidarity"),
    ("Aden Peace Circle", "Yemen", "120", "120 members", "aden-peace-circle"),
    ("Taiz Women's Mediation Collective", "Yemen", "260", "260 members", "taiz-mediation"),
    ("Sana'a Women Lawyers for Peace", "Yemen", "75", "75 members", "sanaa-lawyers"),
    ("Benghazi Women's Reconciliation Group", "Libya", "190", "190 members", "benghazi-reconciliation"),
    ("Syrian Women's Peace Table", "Syria", "820", "820 members", "syrian-peace-table"),
    ("Mogadishu Women's Dialogue", "Somalia", "140", "140 members", "mogadishu-dialogue"),
    ("Beirut Feminist Peace Lab", "Lebanon", "33.5", "33.5 full-time staff", "beirut-peace-lab"),
]

DOUBLE_MAJORITY = {"type": "majority", "counting": "double",
                   "member_threshold": {"fraction": "0.55", "strict": False, "base": "eligible"},
                   "weight_threshold": {"fraction": "0.65", "strict": False, "base": "eligible"}}
CLOSED = [  # kind, title, body, one letter per organization (yes, no, abstain, did not vote), rule override
    ("decision", "Adopt the joint statement on protecting women mediators",
     "The coalition adopts the **joint statement** calling on all parties to protect women mediators.",
     "yyyyyyynyyay", None),
    ("decision", "Open a regional office in Amman",
     "Rent a shared office in Amman for two years, funded from the core budget. A budget decision: it needs "
     "55% of the members holding 65% of the weight.",
     "nyyyyyyyynay", DOUBLE_MAJORITY),
    ("decision", "Move the annual assembly to an online format",
     "Hold the 2026 assembly online to save travel costs.", "yaa.........", None),
]


TIME_ZONES = {"Iraq": "Asia/Baghdad", "Sudan": "Africa/Khartoum", "Yemen": "Asia/Aden", "Libya": "Africa/Tripoli",
              "Syria": "Asia/Damascus", "Somalia": "Africa/Mogadishu", "Lebanon": "Asia/Beirut"}
SOON_MINUTES = 5
DESIGN_RUN = "penrose-demo"  # the finished designer search, at /c/wpn/power/design/penrose-demo
RANKINGS = ["012", "102", "210", "102", "201", "21", "2", "012", "120", "021", "", "201", "10"]  # theme indexes
CHARTER_TEXT = """# Charter of the Women Peacebuilders Network

## Purpose
We bring women's peace organizations of the region together to advocate, as one voice, for women's full part in
peace processes, for safe corridors for aid and for justice for survivors.

## Values
Every member organization is heard. Weight follows membership, so that large constituencies count, but no change of
the rules, of the weights or of the membership is made without a ballot of all members.

## Procedures
- Proposals are put to a vote for at least three days, usually a week.
- Changes of this charter, its rules, the weights and the membership are proposals like any other, decided by the
  rule this charter gives each kind, and applied by Concord when they pass.
- The secretariat keeps the accounts of representatives and opens and closes ballots; it decides nothing alone.
"""
CHARTER_SETTINGS = {
    "weight_basis": "Declared individual members, audited every year.",
    "membership_criteria": "A women-led organization working for peace in the region, independent of any armed "
                           "group, accepting this charter.",
    "durations": {"minimum_hours": 72, "default_hours": 168},
    "proxy_caps": {"max_held": 1, "max_weight_share": "0.15"},
    "moderators": ["beirut-peace-lab", "aden-peace-circle"],
    "witness_quorum": 2,
}
NEWCOMER = ("Tripoli Women's Peace Initiative", "Libya", "95", "95 members", "tripoli-peace-initiative")


def _reset(engine, settings: Settings) -> None:  # noqa: ANN001
    with read_session(engine) as session:
        slugs = set(session.exec(select(Coalition.slug)).all())
    if slugs - {SLUG}:
        raise SystemExit("This database holds other coalitions than the demo; refusing to reset it.")
    # With an owner role (PostgreSQL), only the owner may drop the log's tables.
    owner = engine if settings.migration_url() == settings.database_url else make_engine(settings.migration_url())
    metadata.drop_all(owner)
    with owner.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    if owner is not engine:
        owner.dispose()
    migrate.upgrade_as_owner(settings)


def run(settings: Settings, *, reset: bool = True) -> str:
    """Create the demo coalition (after resetting a demo-only database when ``reset``)."""
    migrate.upgrade_as_owner(settings)
    engine = make_engine(settings.database_url)
    with read_session(engine) as session:
        exists = coalitions.find_coalition(session, SLUG) is not None
    if exists and not reset:
        return f"The demo coalition {SLUG!r} exists already."
    if exists:
        _reset(engine, settings)
    keys = LogKeys(settings.key_dir, settings.log_host)
    with signed_write_session(engine, keys) as session:
        _populate(session, keys)
        session.commit()
    return (f"Demo coalition {SLUG!r} ready. Admin: {ADMIN[0]} / {ADMIN[1]}; each organization's representative: "
            f"rep-<member-slug> / {REP_PASSWORD} (for example rep-aden-peace-circle). "
            + (f"Mail goes to {settings.mail_dir}/ (a .eml file per message)." if settings.mail_dir else
               "Set CONCORD_MAIL_DIR (or CONCORD_SMTP_HOST) to see the mail it sends."))


class HistoryClock:
    """The time of the demo's story, moved forward step by step, so the log's entries carry the same times as the
    proposals, ballots and votes they record (``session.info["log_clock"]`` gives the log its time)."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def at(self, moment: datetime) -> datetime:
        self.moment = max(self.moment, moment)
        return moment

    def __call__(self) -> int:
        return int(self.moment.timestamp() * 1000)


def _populate(session, keys: LogKeys) -> None:  # noqa: ANN001
    start = utcnow() - timedelta(days=80)
    clock = session.info["log_clock"] = HistoryClock(start)
    try:
        _story(session, keys, clock, start)
    finally:
        del session.info["log_clock"]


def _story(session, keys: LogKeys, clock: HistoryClock, start: datetime) -> None:  # noqa: ANN001
    coalition, admin = coalitions.create_coalition(
        session, slug=SLUG, name="Women Peacebuilders Network (demo)", now=start, log_key=keys.verifier_key(SLUG),
        description="A fictional regional coalition of women's peace organizations from Iraq, Sudan, Yemen, Libya, "
                    "Syria, Somalia and Lebanon, deciding together on joint advocacy. Weights follow membership.",
        admin_username=ADMIN[0], admin_password=ADMIN[1])
    coalitions.set_time_zone(session, coalition=coalition, actor=admin.username, time_zone=TIME_ZONE)
    orgs = []
    for name, country, weight, basis, slug in ORGANIZATIONS:
        member = members.admit_member(session, coalition=coalition, actor=admin.username, name=name, weight=weight,
                                      basis=basis, country=country, slug=slug, reason="founding member", now=start)
        rep = accounts.create_account(session, coalition=coalition, actor=admin.username, username=f"rep-{slug}",
                                      password=REP_PASSWORD, role="representative", member=member, now=start)
        orgs.append((member, rep))
    members.change_weight(session, coalition=coalition, actor=admin.username, member=orgs[3][0], weight="1040",
                          basis="1,040 members", reason="Membership count of 2025",
                          now=clock.at(start + timedelta(days=5)))
    coalitions.set_rule(session, coalition=coalition, actor=admin.username, kind="choice",
                        rule={"method": "irv", "counting": "weighted"}, now=start + timedelta(days=5),
                        reason="Campaign themes are ranked, weighted by membership.")
    coalitions.set_rule(session, coalition=coalition, actor=admin.username, kind="weight_change",
                        rule={"counting": "double", "member_threshold": {"fraction": "2/3", "strict": False},
                              "weight_threshold": {"fraction": "2/3", "strict": False}, "quorum_members": "1/2"},
                        now=start + timedelta(days=5),
                        reason="A change of weights needs two thirds of the members and two thirds of the weight.")
    for offset, (kind, title, body, pattern, rule) in enumerate(CLOSED):
        proposed = clock.at(start + timedelta(days=9 + offset * 12))
        proposal = proposals.create_proposal(session, coalition=coalition, author=orgs[offset][1], kind=kind,
                                             title=title, body=body, now=proposed)
        opened = clock.at(proposed + timedelta(days=1))
        ballots.open_ballot(session, coalition=coalition, actor=admin, proposal=proposal, now=opened,
                            closes_at=opened + timedelta(days=7), rule=rule)
        _vote(session, coalition, proposal, orgs, pattern, opened + timedelta(days=1), clock)
        ballots.close_due(session, coalition=coalition, now=clock.at(opened + timedelta(days=7)))
    charter.found_charter(session, coalition=coalition, actor=admin, text=CHARTER_TEXT, settings_=CHARTER_SETTINGS,
                          now=clock.at(start + timedelta(days=42)))
    demo_keys.register(session, coalition=coalition, orgs=orgs,
                       at=lambda: clock.at(start + timedelta(days=42, hours=5)))
    _self_government(session, coalition, admin, orgs, start + timedelta(days=43), clock)
    themes = ["Women at the negotiating table", "Safe corridors for aid", "Justice for survivors"]
    when = clock.at(start + timedelta(days=50, hours=3))
    choice = proposals.create_proposal(
        session, coalition=coalition, author=orgs[9][1], kind="choice", title="Theme of the 2027 advocacy campaign",
        body="Rank the themes; the coalition campaigns on the winner (instant-runoff, weighted by membership).",
        now=when, options=themes)
    ballots.open_ballot(session, coalition=coalition, actor=admin, proposal=choice, now=when,
                        closes_at=when + timedelta(days=5))
    for step, ((member, rep), order) in enumerate(zip(orgs, RANKINGS, strict=True)):
        if order:
            vote = {"ranking": [themes[int(i)] for i in order]}
            ballots.cast_vote(session, coalition=coalition, actor=rep, proposal=choice, member=member, vote=vote,
                              now=clock.at(when + timedelta(days=1, minutes=47 * step)),
                              signed=demo_keys.signature_for(session, coalition=coalition, proposal=choice,
                                                             member=member, vote=vote))
    ballots.close_due(session, coalition=coalition, now=clock.at(when + timedelta(days=5)))
    demo_deliberation.populate(session, coalition=coalition, admin=admin, orgs=orgs, start=start + timedelta(days=15),
                               at=clock.at)
    now = utcnow()
    _subscribe(session, orgs, now=clock.at(now - timedelta(days=3, hours=1)))
    soon = proposals.create_proposal(
        session, coalition=coalition, author=orgs[11][1], kind="decision", title="Adopt the 2027 meeting calendar",
        body="Four online meetings and one assembly. This ballot closes a few minutes after the demo starts: the "
             "worker closes it by itself and mails the result.", now=clock.at(now - timedelta(days=3, hours=1)))
    ballots.open_ballot(session, coalition=coalition, actor=admin, proposal=soon,
                        now=clock.at(now - timedelta(days=3)), closes_at=now + timedelta(minutes=SOON_MINUTES))
    _vote(session, coalition, soon, orgs, "yyyy.y.nyy.a.", now - timedelta(days=2, hours=23), clock)
    demo_proxies.in_force_now(session, coalition, orgs, now, clock.at)
    proposed = clock.at(now - timedelta(days=2))
    opened = proposals.create_proposal(
        session, coalition=coalition, author=orgs[5][1], kind="decision", title="Fund a shared security fund",
        body="Set aside 10% of the core budget for the personal security of members' staff.", now=proposed)
    ballots.open_ballot(session, coalition=coalition, actor=admin, proposal=opened,
                        now=clock.at(proposed + timedelta(hours=20)), closes_at=now + timedelta(days=10))
    _vote(session, coalition, opened, orgs, "yyn.ya.......", proposed + timedelta(days=1), clock)
    drafted = clock.at(now - timedelta(hours=12))
    double = proposals.create_proposal(
        session, coalition=coalition, author=orgs[7][1], kind="rule_change",
        title="Admissions need a double majority",
        body="Admit a new member only when two thirds of the members **and** two thirds of the weight agree, so that "
             "neither the many small nor the few large organizations decide membership alone.",
        payload={"rules": {"admission": {"counting": "double", "member_threshold": {"fraction": "2/3", "strict": False},
                                         "weight_threshold": {"fraction": "2/3", "strict": False},
                                         "quorum_members": "1/2"}},
                 "reason": "Membership shapes every later vote."}, now=drafted)
    ballots.open_ballot(session, coalition=coalition, actor=admin, proposal=double, now=drafted,
                        closes_at=now + timedelta(days=7))
    _vote(session, coalition, double, orgs, "y.y.n........", drafted + timedelta(hours=1), clock)
    _heard_by_mail(session, coalition, admin, orgs, double, drafted, clock)
    _design(session, coalition, now=clock.at(now - timedelta(hours=2)))
    demo_witnesses.populate(session, coalition=coalition, orgs=orgs, now=now, at=clock.at)


def _design(session, coalition, *, now: datetime) -> None:  # noqa: ANN001
    """A finished rule-designer search: weights 1..30 giving each member Banzhaf power in proportion to the square
    root of its membership (Penrose), linked from the power page."""
    eligible = power.eligible_rows(session, coalition=coalition)
    problem = problem_for(eligible, DesignOptions(target="sqrt", max_weight=30, no_veto=True))
    record_design(session, coalition=coalition, problem=problem, names={r["member"]: r["name"] for r in eligible},
                  job_id=DESIGN_RUN, evaluations=150, now=now)


def _heard_by_mail(session, coalition, admin, orgs, double, drafted, clock) -> None:  # noqa: ANN001
    """After the subscriptions: a reply that the Khartoum representatives hear of, and a declined application whose
    applicant hears of it at the address it gave (both land in the demo's mail folder)."""
    asked = comments.post_comment(
        session, coalition=coalition, actor=orgs[3][1], proposal=double, max_length=5000,
        text="Would the three largest members not be able to block every admission together?",
        now=clock.at(drafted + timedelta(hours=2)))
    comments.post_comment(
        session, coalition=coalition, actor=orgs[7][1], proposal=double, max_length=5000, parent=asked,
        text="They can today, by weight alone. With the member count as well, the small members can block too.",
        now=clock.at(drafted + timedelta(hours=3)))
    application, _ = applications.submit_application(
        session, coalition=coalition, name="Omdurman Women's Peace Forum", country="Sudan",
        statement="We run dialogue circles in Omdurman's neighbourhoods.",
        contact="Hawa Adam, hawa@omdurman-peace.example", now=drafted - timedelta(days=1))
    applications.decline_application(
        session, coalition=coalition, actor=admin, application=application, now=drafted,
        reason="Apply again once your registration is confirmed: the charter admits registered organizations.")


def _self_government(session, coalition, admin, orgs, start, clock) -> None:  # noqa: ANN001
    """After the founding act: a passed weight change, a rejected rule change, an admission with its representative."""
    start = clock.at(start)
    audit = proposals.create_proposal(
        session, coalition=coalition, author=orgs[9][1], kind="weight_change", title="Weights after the 2026 audit",
        body="The audit found more members in Syria and fewer in Baghdad than declared.",
        payload={"weights": {"syrian-peace-table": "1010", "baghdad-dialogue": "1100"}, "reason": "Audit of 2026",
                 "basis": "Audited members, 2026"}, now=start)
    weighted = proposals.create_proposal(
        session, coalition=coalition, author=orgs[0][1], kind="rule_change", title="Count decisions by weight",
        body="Decisions would pass with more than half of the weight voting yes or no, instead of half the members.",
        payload={"rules": {"decision": {"counting": "weighted", "quorum_members": "1/2"}},
                 "reason": "Larger constituencies should count for more."}, now=start)
    name, country, weight, basis, slug = NEWCOMER
    admission = proposals.create_proposal(
        session, coalition=coalition, author=orgs[8][1], kind="admission", title=f"Admit {name}",
        body="A network of women mediators in western Libya, working with local councils since 2019.",
        payload={"name": name, "slug": slug, "country": country, "weight": weight, "basis": basis,
                 "reason": "Meets the membership criteria; recommended by the Benghazi group."}, now=start)
    for proposal in (audit, weighted, admission):
        ballots.open_ballot(session, coalition=coalition, actor=admin, proposal=proposal, now=start,
                            closes_at=start + timedelta(days=7))
    demo_proxies.during_audit(session, coalition, orgs, audit, start, clock.at)  # Nuba votes by Darfur's hand
    for step, (proposal, pattern) in enumerate(((audit, "yy.yyyyynyay"), (weighted, "ynnynnnnnynn"),
                                                 (admission, "yyyyyayyyyyy"))):
        _vote(session, coalition, proposal, orgs, pattern, start + timedelta(days=1 + step), clock)
    ballots.close_due(session, coalition=coalition, now=clock.at(start + timedelta(days=7)))
    member = members.get_member(session, coalition=coalition, slug=slug)
    rep = accounts.create_account(session, coalition=coalition, actor=admin.username, username=f"rep-{slug}",
                                  password=REP_PASSWORD, role="representative", member=member,
                                  now=clock.at(start + timedelta(days=7, hours=2)))
    orgs.append((member, rep))


def _subscribe(session, orgs, *, now) -> None:  # noqa: ANN001
    """Every representative hears by e-mail, in Arabic (English for the Beirut lab), in its country's time zone."""
    for member, rep in orgs:
        subscriptions.save_preference(session, account=rep, email=f"{member.slug}@example.org",
                                      language="en" if member.country == "Lebanon" else "ar",
                                      languages=LOCALES, time_zone=TIME_ZONES[member.country], digest=False,
                                      on=[f"{kind}:{channel}" for kind in KINDS for channel in CHANNELS], now=now)


def _vote(session, coalition, proposal, orgs, pattern: str, start: datetime,  # noqa: ANN001
          clock: HistoryClock) -> None:
    """Each organization's vote, 53 minutes after the one before."""
    letters = {"y": "yes", "n": "no", "a": "abstain"}
    for step, ((member, rep), letter) in enumerate(zip(orgs, pattern, strict=True)):
        if letter in letters:
            vote = {"choice": letters[letter]}
            signed = demo_keys.signature_for(session, coalition=coalition, proposal=proposal, member=member, vote=vote)
            ballots.cast_vote(session, coalition=coalition, actor=rep, proposal=proposal, member=member, vote=vote,
                              now=clock.at(start + timedelta(minutes=53 * step)), signed=signed)


__all__ = ["run"]
