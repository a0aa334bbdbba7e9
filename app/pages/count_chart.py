"""The count of a yes/no ballot against each threshold, as a server-rendered SVG: one bar per condition on a 0-100%
scale, its threshold marked, met or not said in words beside it (never by colour alone)."""

from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction

from markupsafe import Markup, escape

from app.pages.charts import WIDTH, _Canvas
from app.pages.words import criterion_name

__all__ = ["count_chart"]

TRACK, MET, NOT_MET, MARK = "#c9ced6", "#1d6b32", "#a4161a", "#1b1f24"
BAR, ROW = 16, 62


def count_chart(_: Callable[..., str], result: Mapping, *, share: Callable[[object], str], rtl: bool = False) -> Markup:
    """Each quorum and majority condition of ``result``: the share reached, the threshold as a mark, met or not.

    >>> chart = count_chart(lambda text, **v: text % v if v else text, {"quorum": [], "criteria": [
    ...     {"name": "members", "share": "3/4", "threshold": "1/2", "met": True}]}, share=str)
    >>> 'role="img"' in chart and "3/4" in chart and 'width="276"' in chart
    True
    """
    rows: Sequence[Mapping] = [row for row in [*result.get("quorum", []), *result.get("criteria", [])]
                               if row.get("share") is not None]
    canvas, y = _Canvas(rtl), 0
    for row in rows:
        reached = min(max(Fraction(str(row["share"])), Fraction(0)), Fraction(1))
        canvas.text(Fraction(0), y + 15, criterion_name(_, row["name"]), bold=True)
        canvas.rect(Fraction(0), y + 22, Fraction(WIDTH - 32), BAR, TRACK)
        canvas.rect(Fraction(0), y + 22, reached * (WIDTH - 32), BAR, MET if row["met"] else NOT_MET)
        if row.get("threshold") is not None:
            mark = Fraction(str(row["threshold"])) * (WIDTH - 32)
            canvas.rect(mark - 1, y + 18, Fraction(3), BAR + 8, MARK)
            words = _("%(share)s against a threshold of %(threshold)s", share=share(row["share"]),
                      threshold=share(row["threshold"]))
        else:
            words = share(row["share"])
        canvas.text(Fraction(0), y + 56, f"{words}: {_('met') if row['met'] else _('not met')}")
        y += ROW
    direction = ' direction="rtl"' if rtl else ""
    title, description = _("The count against each threshold"), _(
        "For each condition, a bar for the share reached on a scale from 0 to 100%, a dark mark at the threshold, "
        "and whether it was met. The conditions listed after the chart give the same figures.")
    head = (f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {max(y, 1)}" role="img" '
            f'aria-labelledby="count-chart-title count-chart-desc" font-family="system-ui, sans-serif" '
            f'font-size="13" fill="#1b1f24"{direction}><title id="count-chart-title">{escape(title)}</title>'
            f'<desc id="count-chart-desc">{escape(description)}</desc>')
    return Markup(head + canvas.body() + "</svg>")
