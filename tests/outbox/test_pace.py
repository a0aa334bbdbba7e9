"""Deliveries give way to requests: while the process answers requests they keep to a share of one core, counted in
their own CPU seconds; idle, they run at full speed; a courier closed while a delivery waits sends nothing."""

import threading
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import select

from app.foreground import Foreground
from app.outbox.delivery import Courier
from app.outbox.pace import CpuShare
from governance.models import Notification
from tests.app.support import quick_coalition
from tests.factories import make_proposal
from tests.outbox.test_email import subscribe


class Ticks:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_under_load_a_delivery_waits_until_its_cpu_is_earned_back_at_the_share() -> None:
    ticks = Ticks()
    pace = CpuShare(0.2, lambda: True, burst=0.0, clock=ticks)
    assert pace.delay() == 0  # nothing owed yet
    pace.spend(0.1)  # a delivery that took 100 ms of CPU: 0.5 s of wall time at a fifth of a core
    assert pace.delay() == 0.5
    ticks.now += 0.25
    assert pace.delay() == 0.25
    ticks.now += 0.25
    assert pace.delay() == 0


def test_idle_time_is_free_and_the_load_ending_lifts_the_wait_at_once() -> None:
    ticks, busy = Ticks(), [False]
    pace = CpuShare(0.1, lambda: busy[0], clock=ticks)
    pace.spend(5.0)  # spent while nobody asked anything: not owed
    busy[0] = True
    assert pace.delay() == 0
    pace.spend(1.0)
    assert pace.delay() > 9
    busy[0] = False
    assert pace.delay() == 0


def test_a_share_of_one_core_or_more_never_waits() -> None:
    pace = CpuShare(1.0, lambda: True, clock=Ticks())
    pace.spend(30.0)
    assert pace.delay() == 0


@settings(max_examples=200, deadline=None)
@given(share=st.sampled_from([0.05, 0.2, 0.5]), burst=st.sampled_from([0.0, 0.05]),
       costs=st.lists(st.integers(1, 200), min_size=1, max_size=60))
def test_over_any_stretch_of_load_deliveries_spend_at_most_the_share_plus_the_burst_and_one_delivery(
        share: float, burst: float, costs: list[int]) -> None:
    """Deliveries one after another, each of ``cost`` ms CPU (taking no wall time), each started when ``delay``
    allows: by the time the last one starts, the CPU spent before it is within share x elapsed + burst."""
    ticks = Ticks()
    pace = CpuShare(share, lambda: True, burst=burst, clock=ticks)
    started, spent = ticks.now, 0.0
    for cost in costs:
        ticks.now += pace.delay()
        assert spent <= share * (ticks.now - started) + burst + 1e-9
        pace.spend(cost / 1000)
        spent += cost / 1000


def test_the_foreground_is_busy_for_a_window_after_each_request(client, app) -> None:  # noqa: ANN001
    ticks = Ticks()
    foreground = Foreground(window=0.5, clock=ticks)
    assert not foreground.busy()
    foreground.mark()
    ticks.now += 0.4
    assert foreground.busy()
    ticks.now += 0.2
    assert not foreground.busy()
    app.state.foreground.last = float("-inf")
    assert client.get("/api/v1/coalitions").status_code == 200
    assert app.state.foreground.busy()  # the middleware marked the request


def test_a_courier_closed_while_a_delivery_waits_its_turn_sends_nothing_and_the_next_one_delivers(
        app, client, tmp_path: Path) -> None:  # noqa: ANN001
    fixture = quick_coalition(app, members={"aden": 1, "basra": 1})
    subscribe(client, fixture, "aden", email="rep@aden.example", on=["proposal.submitted:email"])
    make_proposal(client, fixture, title="Open the Aden office")
    settings_ = app.state.settings.model_copy(update={"delivery_cpu_share": 0.01})
    loaded = Courier(app.state.engine, settings_, lambda: True)
    loaded.pace.owed = 60.0  # an hour and more to wait at a hundredth of a core
    assert loaded.deliver_due(wait=False) == 1
    waiting = threading.Timer(0.3, loaded.close)
    waiting.start()
    waiting.join()
    loaded.pool.shutdown(wait=True)
    mail = Path(app.state.settings.mail_dir)
    assert not mail.exists() or not list(mail.glob("*.eml"))
    with app.state.engine.connect() as connection:
        [status] = connection.execute(select(Notification.status)).scalars().all()
    assert status == "pending"

    idle = Courier(app.state.engine, app.state.settings)
    assert idle.deliver_due() == 1
    idle.close()
    assert len(list(mail.glob("*.eml"))) == 1
