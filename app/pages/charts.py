"""Server-rendered SVG bar charts: readable without JavaScript, named for screen readers, mirrored for right-to-left."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from markupsafe import Markup, escape

__all__ = ["BANZHAF", "SHAPLEY_SHUBIK", "WEIGHT", "Bar", "bar_chart", "pixels", "rounds_chart"]

# Each at least 4.5:1 against white, and told apart by order and by the label beside each bar, not by colour alone.
WEIGHT, BANZHAF, SHAPLEY_SHUBIK = "#4a5360", "#0b5cad", "#a33f00"
ROUND_COLOURS = ("#0b5cad", "#4a5360")
WIDTH = 400
CHARACTER = 8
BAR, GAP, NAME_LINE, GROUP_GAP, LEGEND_LINE = 14, 3, 22, 10, 20
MAX_NAME = 52


@dataclass(frozen=True)
class Bar:
    """One bar: its exact value, the text written beside it, its colour."""

    value: Fraction
    label: str
    colour: str


def pixels(value: Fraction) -> str:
    """A length rounded to a tenth of a pixel, written without floats.

    >>> pixels(Fraction(1, 3)), pixels(Fraction(12))
    ('0.3', '12')
    """
    tenths = round(value * 10)
    return str(tenths // 10) if tenths % 10 == 0 else f"{tenths // 10}.{tenths % 10}"


def _shorten(name: str) -> str:
    return name if len(name) <= MAX_NAME else name[: MAX_NAME - 1] + "…"


class _Canvas:
    """SVG elements on a left-to-right grid, mirrored on output when the page reads right to left.

    Bars are grouped by colour and texts share the root's fill and size, so each element carries only its place.
    """

    def __init__(self, rtl: bool) -> None:
        self.rtl = rtl
        self.bars: dict[str, list[str]] = {}
        self.texts: list[str] = []

    def rect(self, x: Fraction, y: int, width: Fraction, height: int, colour: str) -> None:
        start = WIDTH - x - width if self.rtl else x
        self.bars.setdefault(colour, []).append(
            f'<rect x="{pixels(start)}" y="{y}" width="{pixels(width)}" height="{height}"/>')

    def text(self, x: Fraction, y: int, content: str, *, bold: bool = False) -> None:
        start = WIDTH - x if self.rtl else x
        weight = ' font-size="14" font-weight="600"' if bold else ""
        self.texts.append(f'<text x="{pixels(start)}" y="{y}"{weight}>{escape(content)}</text>')

    def body(self) -> str:
        bars = "".join(f'<g fill="{colour}">{"".join(rects)}</g>' for colour, rects in self.bars.items())
        return bars + "".join(self.texts)


def _legend(canvas: _Canvas, legend: Sequence[tuple[str, str]]) -> int:
    for index, (label, colour) in enumerate(legend):
        canvas.rect(Fraction(0), 4 + index * LEGEND_LINE, Fraction(13), 13, colour)
        canvas.text(Fraction(18), 16 + index * LEGEND_LINE, label)
    return LEGEND_LINE * len(legend) + (GROUP_GAP if legend else 0)


def bar_chart(groups: Sequence[tuple[str, Sequence[Bar]]], *, chart_id: str, title: str, description: str,
              legend: Sequence[tuple[str, str]] = (), rtl: bool = False) -> Markup:
    """Horizontal bars grouped under each name, all on one scale; every name and label escaped.

    >>> chart = bar_chart([("<A&B>", [Bar(Fraction(1, 2), "50%", WEIGHT)])], chart_id="c", title="T", description="D")
    >>> "&lt;A&amp;B&gt;" in chart and 'role="img"' in chart and 'width="368"' in chart
    True
    """
    top = max((bar.value for _, bars in groups for bar in bars), default=Fraction(0)) or Fraction(1)
    longest = max((len(bar.label) for _, bars in groups for bar in bars), default=0)
    length = Fraction(WIDTH - min(WIDTH // 2, CHARACTER * longest + 8))
    canvas = _Canvas(rtl)
    y = _legend(canvas, legend)
    for name, bars in groups:
        canvas.text(Fraction(0), y + 16, _shorten(name), bold=True)
        y += NAME_LINE
        for bar in bars:
            width = max(bar.value, Fraction(0)) * length / top
            canvas.rect(Fraction(0), y, width, BAR, bar.colour)
            canvas.text(width + 4, y + BAR - 2, bar.label)
            y += BAR + GAP
        y += GROUP_GAP
    direction = ' direction="rtl"' if rtl else ""
    head = (f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {y}" role="img" '
            f'aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="system-ui, sans-serif" font-size="13" '
            f'fill="#1b1f24"{direction}>'
            f'<title id="{chart_id}-title">{escape(title)}</title>'
            f'<desc id="{chart_id}-desc">{escape(description)}</desc>')
    return Markup(head + canvas.body() + "</svg>")


def rounds_chart(_: Callable[..., str], result: Mapping, *, num: Callable[[object], str], rtl: bool = False) -> Markup:
    """Each candidate's total in each round of a count, as bars grouped by candidate."""
    groups = []
    for name in result["candidates"]:
        bars = [Bar(Fraction(str(round_["tally"][name])),
                    _("Round %(n)s: %(total)s", n=num(round_["number"]), total=num(round_["tally"][name])),
                    ROUND_COLOURS[index % len(ROUND_COLOURS)])
                for index, round_ in enumerate(result["rounds"]) if name in round_["tally"]]
        groups.append((name, bars))
    description = _("For each candidate, one bar per round of the count, labelled with the round and the total. "
                    "The table before the chart gives the same figures.")
    return bar_chart(groups, chart_id="rounds-chart", title=_("Each candidate's total in each round"),
                     description=description, rtl=rtl)
