"""Power before you vote, drawn: each member's Banzhaf and Shapley-Shubik power before and after a change."""

from collections.abc import Callable, Mapping
from fractions import Fraction

from markupsafe import Markup

from app.pages.charts import BANZHAF, SHAPLEY_SHUBIK, WEIGHT, Bar, bar_chart

__all__ = ["impact_chart", "impact_rows"]

BEFORE = "#6b7280"  # grey bars for "before", told apart by their labels too


def _value(index: Mapping | None, member: str) -> Fraction | None:
    if not index or member not in index:
        return None
    value = index[member]
    return Fraction(value["estimate"] if isinstance(value, Mapping) else value)


def impact_rows(impact: Mapping) -> list[dict]:
    """One row per member present before or after: name, and each index before and after (None where absent)."""
    before, after = impact["before"], impact["after"]
    names = {**(before.get("member_names") or {}), **(after.get("member_names") or {})}
    order = list(dict.fromkeys([*before.get("members", []), *after.get("members", [])]))
    return [{"member": m, "name": names.get(m, m),
             "banzhaf": (_value(before.get("banzhaf"), m), _value(after.get("banzhaf"), m)),
             "shapley_shubik": (_value(before.get("shapley_shubik"), m), _value(after.get("shapley_shubik"), m)),
             "veto": (m in (before.get("veto") or []), m in (after.get("veto") or []))} for m in order]


def impact_chart(_: Callable[..., str], impact: Mapping, *, locale: str, share: Callable[[object], str]) -> Markup:
    """Four bars per member: Banzhaf before and after, Shapley-Shubik before and after."""
    series = [("banzhaf", 0, _("Banzhaf before"), BEFORE), ("banzhaf", 1, _("Banzhaf after"), BANZHAF),
              ("shapley_shubik", 0, _("Shapley-Shubik before"), WEIGHT),
              ("shapley_shubik", 1, _("Shapley-Shubik after"), SHAPLEY_SHUBIK)]
    groups = [(row["name"], [Bar(row[key][side], f"{label}: {share(row[key][side])}", colour)
                             for key, side, label, colour in series if row[key][side] is not None])
              for row in impact_rows(impact)]
    description = _("For each member, its Banzhaf and Shapley-Shubik power before the change and after it. "
                    "The table after the chart gives the same figures.")
    return bar_chart(groups, chart_id="impact-chart", title=_("Each member's power before and after the change"),
                     description=description, legend=[(label, colour) for _k, _s, label, colour in series],
                     rtl=locale == "ar")
