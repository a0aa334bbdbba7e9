"""The demo coalition: a fictional regional network of women's peace organizations with uneven weights."""

from datetime import datetime, timedelta

from sqlmodel import select

from app import demo_deliberation, migrate
from app.db import make_engine, read_session
from app.logkeys import LogKeys
from app.settings import Settings
from app.tasks import signed_write_session
from app.i18n import LOCALES
from governance import accounts, ballots, coalitions, members, proposals, subscriptions
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
RANKINGS = ["012", "102", "210", "102", "201", "21", "2", "012", "120", "021", "", "201"]  # theme indexes


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
                          basis="1,040 members", reason="Membership audit of 2026",
                          now=clock.at(start + timedelta(days=5)))
    for offset, (kind, title, body, pattern, rule) in enumerate(CLOSED):
        proposed = clock.at(start + timedelta(days=9 + offset * 12))
        proposal = proposals.create_proposal(session, coalition=coalition, author=orgs[offset][1], kind=kind,
                                             title=title, body=body, now=proposed)
        opened = clock.at(proposed + timedelta(days=1))
        ballots.open_ballot(session, coalition=coalition, actor=admin, proposal=proposal, now=opened,
                            closes_at=opened + timedelta(days=7), rule=rule)
        _vote(session, coalition, proposal, orgs, pattern, opened + timedelta(days=1), clock)
        ballots.close_due(session, coalition=coalition, now=clock.at(opened + timedelta(days=7)))
    themes = ["Women at the negotiating table", "Safe corridors for aid", "Justice for survivors"]
    when = clock.at(start + timedelta(days=50))
    choice = proposals.create_proposal(
        session, coalition=coalition, author=orgs[9][1], kind="choice", title="Theme of the 2027 advocacy campaign",
        body="Rank the themes; the coalition campaigns on the winner (instant-runoff, weighted by membership).",
        now=when, options=themes)
    ballots.open_ballot(session, coalition=coalition, actor=admin, proposal=choice, now=when,
                        closes_at=when + timedelta(days=5), rule={"method": "irv", "counting": "weighted"})
    for step, ((member, rep), order) in enumerate(zip(orgs, RANKINGS, strict=True)):
        if order:
            ballots.cast_vote(session, coalition=coalition, actor=rep, proposal=choice, member=member,
                              vote={"ranking": [themes[int(i)] for i in order]},
                              now=clock.at(when + timedelta(days=1, minutes=47 * step)))
    ballots.close_due(session, coalition=coalition, now=clock.at(when + timedelta(days=5)))
    demo_deliberation.populate(session, coalition=coalition, admin=admin, orgs=orgs, start=start + timedelta(days=15),
                               at=clock.at)
    now = utcnow()
    proposed = clock.at(now - timedelta(days=2))
    opened = proposals.create_proposal(
        session, coalition=coalition, author=orgs[5][1], kind="decision", title="Fund a shared security fund",
        body="Set aside 10% of the core budget for the personal security of members' staff.", now=proposed)
    ballots.open_ballot(session, coalition=coalition, actor=admin, proposal=opened,
                        now=clock.at(proposed + timedelta(hours=20)), closes_at=now + timedelta(days=10))
    _vote(session, coalition, opened, orgs, "yyn.ya......", proposed + timedelta(days=1), clock)
    _subscribe(session, orgs, now=clock.at(now - timedelta(hours=12)))
    soon = proposals.create_proposal(
        session, coalition=coalition, author=orgs[11][1], kind="decision", title="Adopt the 2027 meeting calendar",
        body="Four online meetings and one assembly. This ballot closes a few minutes after the demo starts: the "
             "worker closes it by itself and mails the result.", now=clock.at(now - timedelta(hours=12)))
    ballots.open_ballot(session, coalition=coalition, actor=admin, proposal=soon,
                        now=clock.at(now - timedelta(hours=12)), closes_at=now + timedelta(minutes=SOON_MINUTES))
    _vote(session, coalition, soon, orgs, "yyyy.y.nyy.a", now - timedelta(hours=11), clock)


def _subscribe(session, orgs, *, now) -> None:  # noqa: ANN001
    """Every representative hears by e-mail, in Arabic (English for the Beirut lab), in its country's time zone."""
    for member, rep in orgs:
        subscriptions.save_preference(session, account=rep, email=f"{member.slug}@example.org",
                                      language="en" if member.country == "Lebanon" else "ar",
                                      languages=LOCALES, time_zone=TIME_ZONES[member.country], digest=False,
                                      on=[f"{kind}:{channel}" for kind in KINDS for channel in CHANNELS], now=now)


def _vote(session, coalition, proposal, orgs, pattern: str, start: datetime, clock: HistoryClock) -> None:  # noqa: ANN001
    """Each organization's vote, 53 minutes after the one before."""
    letters = {"y": "yes", "n": "no", "a": "abstain"}
    for step, ((member, rep), letter) in enumerate(zip(orgs, pattern, strict=True)):
        if letter in letters:
            ballots.cast_vote(session, coalition=coalition, actor=rep, proposal=proposal, member=member,
                              vote={"choice": letters[letter]}, now=clock.at(start + timedelta(minutes=53 * step)))


__all__ = ["run"]
