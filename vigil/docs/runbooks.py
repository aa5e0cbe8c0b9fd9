"""Runbook trigger sections generated from the plan of every stack, and the checks that keep runbooks true.

A runbook keeps its hand-written prose; what it says about *when* an alarm fires, at which severity and who it
notifies lives between two markers and is written by ``vigil docs`` from the plan of each stack (overrides
included). ``vigil check`` reports, at the runbook's file and line:

- a generated section that differs from what the plans say now (stale: run ``vigil docs``);
- a trigger stated by hand outside the section (a line starting with "Fires when");
- a severity stated by hand that no stack deploys (``(`ai-cost`, P2)`` when the alarm is P3 everywhere).

Example::

    >>> text = "# Runbook\\n\\n" + BEGIN + "\\nold\\n" + END + "\\n\\nProse.\\n"
    >>> replace_section(text, "new").splitlines()[2:5]
    ['<!-- BEGIN vigil:triggers (written by `vigil docs` from the plan of every stack; edit the alarm specs, not this section) -->', 'new', '<!-- END vigil:triggers -->']
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from vigil.docs.stacks import StackView
from vigil.docs.triggers import automations_text, composite_text, routing_text, trigger_text
from vigil.plan import CompositeAlarmPlan, MetricAlarmPlan
from vigil.plan.alarm_rules import absent_note
from vigil.spec.errors import SpecError
from vigil.spec.rules.runbook_paths import outside_project

BEGIN = (
    "<!-- BEGIN vigil:triggers (written by `vigil docs` from the plan of every stack; "
    "edit the alarm specs, not this section) -->"
)
END = "<!-- END vigil:triggers -->"
_HAND_TRIGGER = re.compile(r"^\s*(?:[-*]\s+)?(?:\*\*|__)?fires when\b", re.IGNORECASE)
_COMBINES = re.compile(r"(?i:together with|combined with|\braises\b|\bthis is\b|\bmeans\b)|\bAND\b|\bOR\b")
_NAMED = re.compile(r"`([a-z0-9][a-z0-9-]*)`")
_LEADING_SEVERITY = re.compile(r"^\s*(?:[-*]\s+)?(?:\*\*)?(P[1-4])\b(?:\*\*)?:")
_SEVERITY = re.compile(r"`([a-z0-9][a-z0-9-]*)`,?\s+(?:page\s+|composite\s+|ticket\s+)?(P[1-4])\b")


def runbook_specs(view: StackView, root: Path) -> dict[str, list[tuple[str, str]]]:
    """Runbook path -> ``(kind, spec name)`` of every alarm and SLO that links it (files inside ``root`` only)."""
    found: dict[str, list[tuple[str, str]]] = {}
    specs = [("alarm", n, a.runbook) for n, a in sorted(view.project.alarms.items())]
    specs += [("slo", n, s.runbook) for n, s in sorted(view.project.slos.items())]
    for kind, name, runbook in specs:
        if runbook and not runbook.startswith("https://") and not outside_project(root, runbook):
            found.setdefault(runbook, []).append((kind, name))
    return found


def _alarm_line(view: StackView, planned: MetricAlarmPlan | CompositeAlarmPlan) -> str:
    if isinstance(planned, CompositeAlarmPlan):
        when = composite_text(planned, view.plan, view.short) + absent_note(view.project, view.short(planned.name))
    else:
        when = trigger_text(planned)
    line = f"{planned.severity.value}; fires when {when}. Notifies: {routing_text(planned, view.plan, view.short)}."
    automatic = automations_text(planned)
    return f"{line} Automatically: {automatic}." if automatic else line


def _stack_lines(view: StackView, kind: str, name: str) -> list[str]:
    if kind == "slo":
        slo = view.project.enabled_slos().get(name)
        if slo is None:
            return ["not deployed in this stack"]
        lines = [f"objective {slo.objective:g} %"]
        for burn in view.slo_alarms(name):
            lines.append(f"`{view.short(burn.name)}`: {_alarm_line(view, burn)}")
        return lines
    planned = view.alarm(name)
    return ["not deployed in this stack"] if planned is None else [_alarm_line(view, planned)]


def render_section(views: Sequence[StackView], specs: Sequence[tuple[str, str]]) -> str:
    """The generated section of one runbook: per alarm, per group of stacks that deploy it alike."""
    out: list[str] = []
    for kind, name in specs:
        alarm = views[0].project.alarms.get(name) if views else None
        label = "SLO" if kind == "slo" else getattr(alarm, "kind", "alarm")
        out.append(f"**`{name}`** ({label})")
        groups: dict[tuple[str, ...], list[str]] = {}
        for view in views:
            groups.setdefault(tuple(_stack_lines(view, kind, name)), []).append(view.stack)
        for lines, stacks in groups.items():
            head, *rest = lines
            out.append(f"- **{', '.join(stacks)}**: {head}")
            out += [f"  - {line}" for line in rest]
        out.append("")
    return "\n".join(out).rstrip("\n")


def find_section(text: str) -> tuple[int, int] | None:
    """0-based line indices of the BEGIN and END markers, or None."""
    lines = text.splitlines()
    begin = next((i for i, line in enumerate(lines) if line.startswith("<!-- BEGIN vigil:triggers")), None)
    if begin is None:
        return None
    end = next((i for i in range(begin + 1, len(lines)) if lines[i].strip() == END), None)
    return None if end is None else (begin, end)


def replace_section(text: str, section: str) -> str:
    """``text`` with its generated section set to ``section`` (added after the title when missing)."""
    lines = text.splitlines()
    found = find_section(text)
    block = [BEGIN, *section.splitlines(), END]
    if found is not None:
        begin, end = found
        lines[begin : end + 1] = block
    else:
        at = next((i for i, line in enumerate(lines) if line.startswith("# ")), -1) + 1
        if at < len(lines) and not lines[at].strip():
            lines[at + 1 : at + 1] = [*block, ""]
        else:
            lines[at:at] = ["", *block, ""]
    return "\n".join(lines) + "\n"


def runbook_problems(
    path: str, text: str, views: Sequence[StackView], specs: Sequence[tuple[str, str]]
) -> list[SpecError]:
    """Stale section, hand-stated triggers and severities that no stack deploys, at ``path:line``."""
    section = render_section(views, specs)
    severities = _runbook_severities(views, specs)
    members = composite_members(views)
    errors: list[SpecError] = []
    found = find_section(text)
    lines = text.splitlines()
    inside: set[int] = set()
    if found is not None:
        begin, end = found
        inside = set(range(begin, end + 1))
        have, want = lines[begin + 1 : end], section.splitlines()
        if have != want:
            at = next(
                (i for i, (a, b) in enumerate(zip(have, want, strict=False)) if a != b), min(len(have), len(want))
            )
            expected = want[at] if at < len(want) else "(nothing)"
            errors.append(
                SpecError(
                    path,
                    begin + 2 + at,
                    "runbook triggers",
                    f"the generated trigger section is stale: the plan says {expected!r}; run `vigil docs` to rewrite it",
                )
            )
    for number, line in enumerate(lines):
        if number in inside:
            continue
        if _HAND_TRIGGER.match(line):
            errors.append(
                SpecError(
                    path,
                    number + 1,
                    "runbook triggers",
                    "states when the alarm fires by hand, which goes stale; delete it: `vigil docs` writes the "
                    "trigger section from the plan",
                )
            )
        errors += _severity_mentions(path, number + 1, line, views)
        errors += _escalation_severity(path, number + 1, line, severities)
        errors += _composite_in_words(path, number + 1, line, views, members)
    return errors


def composite_members(views: Sequence[StackView]) -> dict[str, set[str]]:
    """Composite spec name -> every alarm and SLO name its rule references in some stack."""
    members: dict[str, set[str]] = {}
    for view in views:
        metric = {a.name: a for a in view.plan.alarms.metric_alarms}
        composites = {c.name: c for c in view.plan.alarms.composite_alarms}
        for composite in composites.values():
            if composite.kind != "composite":
                continue
            found = members.setdefault(view.short(composite.name), set())
            for child in composite.children:
                found.add(view.short(child))
                planned = composites.get(child) or metric.get(child)
                if planned is not None and "slo" in planned.tags:
                    found.add(planned.tags["slo"])
    return members


def _composite_in_words(
    path: str, line_no: int, line: str, views: Sequence[StackView], members_of: dict[str, set[str]]
) -> list[SpecError]:
    """A line that combines a composite with alarms its rule does not reference ("together with X this is Y")."""
    if not _COMBINES.search(line):
        return []
    named = _NAMED.findall(line)
    errors: list[SpecError] = []
    for composite, members in members_of.items():
        if composite not in named:
            continue
        strangers = sorted({n for n in named if n != composite and n not in members and _is_alarm(n, views)})
        if strangers:
            errors.append(
                SpecError(
                    path,
                    line_no,
                    "runbook triggers",
                    f"ties {', '.join(strangers)} to `{composite}`, whose rule does not reference them in any stack "
                    "(the generated section of its runbook states the rule); fix the text",
                )
            )
    return errors


def _is_alarm(name: str, views: Sequence[StackView]) -> bool:
    return any(name in v.project.alarms or name in v.project.slos for v in views)


def _runbook_severities(views: Sequence[StackView], specs: Sequence[tuple[str, str]]) -> set[str]:
    """Every severity the runbook's alarms (an SLO's burn-rate alarms) have in some stack."""
    found: set[str] = set()
    for view in views:
        for kind, name in specs:
            planned = view.slo_alarms(name) if kind == "slo" else [view.alarm(name)]
            found.update(a.severity.value for a in planned if a is not None)
    return found


def _escalation_severity(path: str, line_no: int, line: str, severities: set[str]) -> list[SpecError]:
    """A line that starts with a severity (``P2: respond within 15 minutes``) names one the runbook's alarms have."""
    found = _LEADING_SEVERITY.match(line)
    if found is None or not severities or found.group(1) in severities:
        return []
    message = (
        f"starts with {found.group(1)}, but the runbook's alarms are {', '.join(sorted(severities))} in the plans; "
        "fix the text"
    )
    return [SpecError(path, line_no, "runbook triggers", message)]


def _severity_mentions(path: str, line_no: int, line: str, views: Sequence[StackView]) -> list[SpecError]:
    errors: list[SpecError] = []
    for name, severity in _SEVERITY.findall(line):
        deployed = [a for a in (v.alarm(name) for v in views) if a is not None]
        if not deployed or any(a.severity.value == severity for a in deployed):
            continue
        actual = ", ".join(sorted({a.severity.value for a in deployed}))
        errors.append(
            SpecError(
                path,
                line_no,
                "runbook triggers",
                f"says `{name}` is {severity}, but every stack deploys it as {actual}; fix the text "
                "(the generated section states the severity)",
            )
        )
    return errors


def check_runbooks(root: Path, views: Sequence[StackView]) -> list[SpecError]:
    """Every local runbook of the project against the plans of ``views``."""
    if not views:
        return []
    errors: list[SpecError] = []
    for path, specs in sorted(runbook_specs(views[0], root).items()):
        try:
            text = (root / path).read_text(encoding="utf-8")
        except OSError:
            continue  # a missing runbook is the policy rule's error
        errors += runbook_problems(path, text, views, specs)
    return errors


def drop_hand_triggers(text: str) -> str:
    """``text`` without the paragraphs outside the generated section that start with "Fires when".

    >>> drop_hand_triggers("# T\\n\\n**Fires when** x\\ngoes on.\\n\\n## Symptoms\\n")
    '# T\\n\\n## Symptoms\\n'
    """
    lines = text.splitlines()
    found = find_section(text)
    inside = set(range(found[0], found[1] + 1)) if found else set()
    keep: list[str] = []
    dropping = False
    for number, line in enumerate(lines):
        if number not in inside and _HAND_TRIGGER.match(line):
            dropping = True
            continue
        if dropping:
            dropping = bool(line.strip())
            continue
        keep.append(line)
    return "\n".join(keep) + "\n"


def write_runbooks(root: Path, views: Sequence[StackView], *, drop_hand: bool = False) -> list[str]:
    """Rewrite the generated section of every local runbook (``drop_hand``: and delete the paragraphs that state
    a trigger by hand, see :func:`drop_hand_triggers`); the paths that changed."""
    changed: list[str] = []
    if not views:
        return changed
    for path, specs in sorted(runbook_specs(views[0], root).items()):
        file = root / path
        if not file.is_file():
            continue
        text = file.read_text(encoding="utf-8")
        new = replace_section(drop_hand_triggers(text) if drop_hand else text, render_section(views, specs))
        if new != text:
            file.write_text(new, encoding="utf-8")
            changed.append(path)
    return changed
