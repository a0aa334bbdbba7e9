"""Power over time, drawn: each member's Banzhaf power as steps, one at each change of the weights, the rule or the
membership (``governance.power_timeline`` finds them)."""

from collections.abc import Callable, Sequence
from datetime import datetime
from fractions import Fraction

from markupsafe import Markup, escape

from app.pages.charts import BANZHAF, SHAPLEY_SHUBIK, WEIGHT, WIDTH, pixels
from governance.errors import N_
from governance.power_timeline import PowerStep

__all__ = ["cause_words", "steps_chart"]

COLOURS = (BANZHAF, SHAPLEY_SHUBIK, WEIGHT, "#6a3d9a")
HEIGHT, LEFT, RIGHT = 160, 44, 150
CAUSE_WORDS = {"admission": N_("admission"), "weights": N_("weight change"), "rule": N_("rule change"),
               "suspension": N_("suspension"), "readmission": N_("readmission"), "expulsion": N_("expulsion"),
               "departure": N_("departure")}


def cause_words(_: Callable[[str], str], causes: Sequence[str]) -> str:
    """What changed at a step, in the visitor's language: "admission, weight change"."""
    return ", ".join(_(CAUSE_WORDS[cause]) for cause in causes)


def _label_places(wanted: list[Fraction], gap: int = 13) -> list[Fraction]:
    """Heights for the labels at the lines' ends: each near its line, none closer than ``gap`` to another."""
    order = sorted(range(len(wanted)), key=lambda i: wanted[i])
    placed: dict[int, Fraction] = {}
    floor = Fraction(10)
    for i in order:
        placed[i] = max(wanted[i], floor)
        floor = placed[i] + gap
    return [placed[i] for i in range(len(wanted))]


def steps_chart(steps: Sequence[PowerStep], members: Sequence[tuple[str, str]], *, when: Callable[[datetime], str],
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
