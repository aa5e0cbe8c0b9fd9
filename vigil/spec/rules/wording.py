"""Words on-call reads that must agree with the plan: composite rules and anomaly bands.

- ``${rule:<name>}`` in a dashboard text widget names a composite alarm (the plan writes its rule there), and a
  text widget that names a composite alarm in backticks shows its rule that way, not in words of its own.
- ``${rule}`` appears only in a composite alarm's description (the plan writes the rule there).
- An anomaly band's width is a number of standard deviations (``band: 2``), not a ratio: "about twice normal",
  "2x the baseline" in an anomaly alarm's description, a text widget or a runbook line about a band is an error.
"""

from __future__ import annotations

import re

from vigil.spec.errors import SpecError
from vigil.spec.models.alarms import AnomalyAlarm, CompositeAlarm
from vigil.spec.models.dashboards import TextWidget
from vigil.spec.rules.context import Context
from vigil.spec.rules.queries import local_runbooks

RULE_PLACEHOLDER = re.compile(r"\$\{rule:([A-Za-z0-9_.-]+)\}")
DASHBOARD_PLACEHOLDER = re.compile(r"\$\{dashboard:([A-Za-z0-9_.-]+)\}")
_RATIO = re.compile(r"\b(twice|double|\d+(?:\.\d+)?\s?(?:x|times))\b(?!\s*burn)", re.IGNORECASE)
_BAND = re.compile(r"\bband\b", re.IGNORECASE)
_NAMED = re.compile(r"`([a-z0-9][a-z0-9-]*)`")
_BAND_FIX = (
    "an anomaly band's width is a number of standard deviations (band: 2 is two standard deviations), not a "
    "multiple of normal; say that instead"
)


def ratio_words(text: str) -> str | None:
    """The ratio word of a text that talks about a band as a ratio (``about twice normal``), or None.

    >>> ratio_words("above its usual band (about twice normal)"), ratio_words("2 standard deviations band")
    ('twice', None)
    """
    if not _BAND.search(text):
        return None
    found = _RATIO.search(text)
    return found.group(1) if found else None


def check_wording(ctx: Context) -> None:
    """Text widgets and descriptions that state a composite's rule, and anomaly bands described as ratios."""
    composites = {n for n, a in ctx.project.alarms.items() if isinstance(a, CompositeAlarm)}
    for name, alarm in sorted(ctx.project.alarms.items()):
        if "${rule}" in alarm.description and not isinstance(alarm, CompositeAlarm):
            ctx.report(("alarm", name, ("description",)), "${rule} is the rule of a composite alarm; this is not one")
        if isinstance(alarm, AnomalyAlarm) and (word := _RATIO.search(alarm.description)):
            ctx.report(("alarm", name, ("description",)), f"says '{word.group(1)}': {_BAND_FIX}")
    for dash_name, dash in sorted(ctx.project.dashboards.items()):
        for index, widget in enumerate(dash.widgets):
            if isinstance(widget, TextWidget):
                _text_widget(ctx, dash_name, index, widget.markdown, composites)
    for runbook in sorted(local_runbooks(ctx.project, ctx.root)):
        try:
            lines = (ctx.root / runbook).read_text(encoding="utf-8").splitlines()
        except OSError:
            continue
        for number, line in enumerate(lines, start=1):
            if (ratio := ratio_words(line)) is not None:
                ctx.errors.append(SpecError(runbook, number, "runbook wording", f"says '{ratio}': {_BAND_FIX}"))


def _text_widget(ctx: Context, dash: str, index: int, markdown: str, composites: set[str]) -> None:
    where = ("dashboard", dash, ("widgets", index, "markdown"))
    shown = set(RULE_PLACEHOLDER.findall(markdown))
    for name in sorted(shown - composites):
        ctx.report(
            where, f"${{rule:{name}}}: '{name}' is not a composite alarm; composites: {', '.join(sorted(composites))}"
        )
    for name in sorted(set(DASHBOARD_PLACEHOLDER.findall(markdown)) - set(ctx.project.dashboards)):
        if ctx.sources.is_broken("dashboard", name):
            continue  # its file failed to load and was reported there
        ctx.report(
            where,
            f"${{dashboard:{name}}}: no dashboard '{name}' in dashboards/*.yaml; "
            f"dashboards: {', '.join(sorted(ctx.project.dashboards))}",
        )
    for name in sorted(set(_NAMED.findall(RULE_PLACEHOLDER.sub("", markdown))) & composites - shown):
        ctx.report(
            where,
            f"names the composite alarm '{name}' without its rule; write ${{rule:{name}}} where the text explains it "
            "(the plan writes the rule as deployed in each stack), not the rule in words",
        )
    if (word := ratio_words(markdown)) is not None:
        ctx.report(where, f"says '{word}': {_BAND_FIX}")
