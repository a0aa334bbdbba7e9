"""Power over time: a rule's Banzhaf power of each member after each change of the weights register, as steps."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from markupsafe import Markup, escape
from sqlmodel import Session, select

from app.pages.charts import BANZHAF, SHAPLEY_SHUBIK, WEIGHT, WIDTH, pixels
from governance import power
from governance.models import Coalition, Member, WeightChange
from voting.power import PowerError

__all__ = ["Step", "power_steps", "steps_chart"]

MOST_STEPS = 24
COLOURS = (BANZHAF, SHAPLEY_SHUBIK, WEIGHT, "#6a3d9a")
HEIGHT, LEFT, RIGHT = 160, 44, 150


@dataclass(frozen=True)
class Step:
    """The register after the changes made at ``moment``: each member's Banzhaf power under the rule."""

    moment: datetime
    power: Mapping[str, Fraction]


def power_steps(session: Session, coalition: Coalition, rule: Mapping[str, object]) -> list[Step]:
    """One step per moment the weights register changed (admissions included), the last ``MOST_STEPS``; members
    active today, each from its admission on (a suspension is not a step: the register records weights only)."""
    active = {m.id: m for m in session.exec(select(Member).where(Member.coalition_id == coalition.id,
                                                                    Member.status == "active"))}
    changes = session.exec(select(WeightChange).where(WeightChange.coalition_id == coalition.id)
                           .order_by(WeightChange.log_idx)).all()
    weights: dict[str, str] = {}
    moments: list[tuple[datetime, dict[str, str]]] = []
    for change in changes:
        member = active.get(change.member_id)
        if member is None:
            continue
        weights[member.slug] = change.new_weight
        if moments and moments[-1][0] == change.changed_at:
            moments[-1] = (change.changed_at, dict(weights))
        else:
            moments.append((change.changed_at, dict(weights)))
    steps = []
    for moment, register in moments[-MOST_STEPS:]:
        eligible = [{"member": slug, "name": slug, "weight": weight} for slug, weight in register.items()]
        try:
            report = power.power_report(rule, eligible)
        except PowerError:
            continue
        if report.get("exact", True):
            steps.append(Step(moment, {slug: Fraction(value) for slug, value in (report.get("banzhaf") or {}).items()}))
    return steps


def _label_places(wanted: list[Fraction], gap: int = 13) -> list[Fraction]:
    """Heights for the labels at the lines' ends: each near its line, none closer than ``gap`` to another."""
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    placed: dict[int, Fraction] = {}
    floor = Fraction(10)
    for i in order:
        placed[i] = max(wanted[i], floor)
        floor = placed[i] + gap
    return [placed[i] for i in range(len(wanted))]


def steps_chart(steps: Sequence[Step], members: Sequence[tuple[str, str]], *, when: Callable[[datetime], str],
                share: Callable[[object], str], title: str, description: str, rtl: bool = False) -> Markup:
    """Each of ``members`` (slug, name) as a step line of its power from one change to the next, its name and last
    value written at the line's end; the dates of the first and last change under the axis."""
    top = max((step.power.get(slug, Fraction(0)) for step in steps for slug, _ in members), default=Fraction(1))
    top = top or Fraction(1)
    span = WIDTH - LEFT - RIGHT
    x = [Fraction(LEFT) + (Fraction(span * i, len(steps) - 1) if len(steps) > 1 else Fraction(span)) for i in
         range(len(steps))]

    def y(value: Fraction) -> Fraction:
        return Fraction(HEIGHT - 20) - value / top * (HEIGHT - 40)

    def place(value: Fraction) -> str:
        return pixels(WIDTH - value if rtl else value)

    parts = [f'<line x1="{place(Fraction(LEFT))}" y1="{HEIGHT - 20}" x2="{place(Fraction(LEFT + span))}" '
             f'y2="{HEIGHT - 20}" stroke="#4a5360"/>']
    labels = _label_places([y(steps[-1].power.get(slug, Fraction(0))) + 4 for slug, _ in members])
    for index, (slug, name) in enumerate(members):
        points, colour = [], COLOURS[index % len(COLOURS)]
        for i, step in enumerate(steps):
            value = y(step.power.get(slug, Fraction(0)))
            if i:
                points.append(f"{place(x[i])},{pixels(y(steps[i - 1].power.get(slug, Fraction(0))))}")
            points.append(f"{place(x[i])},{pixels(value)}")
        if len(steps) == 1:
            points.insert(0, f"{place(Fraction(LEFT))},{points[0].split(',')[1]}")
        last = steps[-1].power.get(slug, Fraction(0))
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2.5" points="{" ".join(points)}"/>')
        parts.append(f'<text x="{place(x[-1] + 6)}" y="{pixels(labels[index])}">'
                     f'{escape(name.split()[0] if name.split() else name)} {escape(share(last))}</text>')
    parts.append(f'<text x="{place(Fraction(LEFT))}" y="{HEIGHT - 4}">{escape(when(steps[0].moment))}</text>')
    if len(steps) > 1:
        parts.append(f'<text x="{place(x[-1])}" y="{HEIGHT - 4}" text-anchor="{"start" if rtl else "end"}">'
                     f'{escape(when(steps[-1].moment))}</text>')
    direction = ' direction="rtl"' if rtl else ""
    head = (f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
            f'aria-labelledby="history-chart-title history-chart-desc" font-family="system-ui, sans-serif" '
            f'font-size="11" fill="#1b1f24"{direction}><title id="history-chart-title">{escape(title)}</title>'
            f'<desc id="history-chart-desc">{escape(description)}</desc>')
    return Markup(head + "".join(parts) + "</svg>")
