"""Drift between the plan and a deployed stack: missing, extra and changed resources, field by field."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from vigil.verify.deployed import Deployed, Subscription
from vigil.verify.state import Matcher, State

DriftKind = Literal["missing", "extra", "changed"]


@dataclass(frozen=True)
class Drift:
    """One difference. ``field``/``expected``/``deployed`` are set for ``changed``."""

    kind: DriftKind
    resource: str  # "metric alarm", "dashboard", ...
    name: str
    field: str = ""
    expected: Any = None
    deployed: Any = None

    def __str__(self) -> str:
        if self.kind == "changed":
            return (
                f"changed  {self.resource} {self.name}: {self.field}: "
                f"plan {_show(self.expected)}, deployed {_show(self.deployed)}"
            )
        verb = (
            "in the plan, not deployed" if self.kind == "missing" else "deployed and managed by Vigil, not in the plan"
        )
        return f"{self.kind:<8} {self.resource} {self.name}: {verb}"


@dataclass
class VerifyReport:
    """The outcome of ``vigil verify``: drifts, kinds not checked (and why), counts of checked resources."""

    drifts: list[Drift] = field(default_factory=list)
    not_checked: dict[str, str] = field(default_factory=dict)
    checked: dict[str, int] = field(default_factory=dict)
    pending: list[Subscription] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing drifted."""
        return not self.drifts


def _show(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= 160 else text[:157] + "..."


def _field_diffs(prefix: str, expected: Any, deployed: Any) -> list[tuple[str, Any, Any]]:
    """Leaf differences of two JSON-like values, with dotted paths (lists of equal length element-wise)."""
    if isinstance(expected, dict) and isinstance(deployed, dict):
        out: list[tuple[str, Any, Any]] = []
        for key in sorted(set(expected) | set(deployed), key=str):
            path = f"{prefix}.{key}" if prefix else str(key)
            out += _field_diffs(path, expected.get(key), deployed.get(key))
        return out
    if isinstance(expected, list) and isinstance(deployed, list) and len(expected) == len(deployed):
        out = []
        for i, (e, d) in enumerate(zip(expected, deployed, strict=True)):
            out += _field_diffs(f"{prefix}[{i}]", e, d)
        return out
    if _same(expected, deployed):
        return []
    return [(prefix, expected, deployed)]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return float(a) == float(b)
    return bool(a == b) or (a in (None, [], {}, "") and b in (None, [], {}, ""))


def _family(protocol: str) -> str:
    """http and https endpoints are one kind of subscription (a changed scheme is a changed endpoint)."""
    return "http" if protocol in ("http", "https") else protocol


Wanted = tuple[str, dict[str, Any], dict[str, Matcher]]  # (expected name, fields, matchers)


def _fits(fields: dict[str, Any], matchers: dict[str, Matcher]) -> Callable[[str], bool]:
    if "Endpoint" in matchers:
        return matchers["Endpoint"][0]
    return lambda endpoint: bool(endpoint == fields.get("Endpoint"))


def _take(left: list[Subscription], accept: Callable[[Subscription], bool]) -> Subscription | None:
    hit = next((s for s in left if accept(s)), None)
    if hit is not None:
        left.remove(hit)
    return hit


def _pair(wanted: list[Wanted], left: list[Subscription]) -> tuple[list[Wanted], dict[str, Subscription]]:
    """Match expected subscriptions to deployed ones (``left`` keeps the unmatched deployed ones).

    Returns the expected ones without an exact match, and for those a deployed one taken as their changed
    version: one of the same kind whose endpoint fits (scheme aside) first, then any of the same kind.
    """

    def exact(w: Wanted) -> Callable[[Subscription], bool]:
        fits = _fits(w[1], w[2])
        return lambda s: s.protocol == w[1]["Protocol"] and fits(s.endpoint)

    def similar(w: Wanted, strict: bool) -> Callable[[Subscription], bool]:
        family, fits = _family(w[1]["Protocol"]), _fits(w[1], w[2])
        return lambda s: _family(s.protocol) == family and (fits(s.endpoint) or not strict)

    unmatched = [w for w in wanted if _take(left, exact(w)) is None]
    changed: dict[str, Subscription] = {}
    for strict in (True, False):
        for w in unmatched:
            hit = None if w[0] in changed else _take(left, similar(w, strict))
            if hit is not None:
                changed[w[0]] = hit
    return unmatched, changed


def _match_subscriptions(expected: State, deployed: Deployed, report: VerifyReport) -> None:
    """Compare each planned topic's subscriptions with the deployed ones: missing, changed endpoint, extra."""
    by_topic: dict[str, list[Wanted]] = {}
    for (kind, name), fields in expected.resources.items():
        if kind == "subscription":
            by_topic.setdefault(name.split("/", 1)[0], []).append(
                (name, fields, expected.matchers.get((kind, name), {}))
            )
    for topic, wanted in sorted(by_topic.items()):
        if topic not in deployed.subscriptions:
            continue  # the topic itself is reported missing
        left = list(deployed.subscriptions[topic])
        unmatched, changed = _pair(wanted, left)
        for name, fields, matchers in unmatched:
            want = fields.get("Endpoint") or matchers["Endpoint"][1]
            if name in changed:
                report.drifts.append(Drift("changed", "subscription", name, "Endpoint", want, changed[name].endpoint))
            else:
                report.drifts.append(Drift("missing", "subscription", f"{name} ({fields['Protocol']} {want})"))
        for extra in left:
            report.drifts.append(Drift("extra", "subscription", f"{topic}/{extra.protocol} {extra.endpoint}"))
        report.checked["subscription"] = report.checked.get("subscription", 0) + len(wanted)
        report.pending += [s for s in deployed.subscriptions[topic] if s.pending]


def diff_states(expected: State, deployed: Deployed) -> VerifyReport:
    """Compare the plan's state with the deployed one.

    Kinds in ``deployed.not_checked`` are skipped (listed in the report, never reported as drift).

    >>> report = diff_states(expected_state(plan, loaded.config_value), read_deployed(target, plan))  # doctest: +SKIP
    >>> [str(d) for d in report.drifts]  # doctest: +SKIP
    ['changed  metric alarm worker-down: Threshold: plan 1.0, deployed 5.0']
    """
    report = VerifyReport(not_checked=dict(deployed.not_checked))
    if "topic" in deployed.not_checked:
        report.not_checked["subscription"] = "its topics could not be read"
    actual = deployed.state.resources
    for (kind, name), fields in sorted(expected.resources.items()):
        if kind in report.not_checked or kind == "subscription":
            continue
        report.checked[kind] = report.checked.get(kind, 0) + 1
        if (kind, name) not in actual:
            report.drifts.append(Drift("missing", kind, name))
            continue
        for path, want, got in _field_diffs("", fields, actual[(kind, name)]):
            report.drifts.append(Drift("changed", kind, name, path, want, got))
    for kind, name in sorted(actual):
        if kind not in report.not_checked and (kind, name) not in expected.resources:
            report.drifts.append(Drift("extra", kind, name))
    if "subscription" not in report.not_checked:
        _match_subscriptions(expected, deployed, report)
    return report


def render_report(report: VerifyReport, where: str) -> str:
    """The text ``vigil verify`` prints."""
    checked = ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in sorted(report.checked.items()))
    lines = [f"checked against {where}: {checked}"]
    for kind, why in sorted(report.not_checked.items()):
        lines.append(f"not checked: {kind}s: {why}")
    for sub in report.pending:
        lines.append(f"note: subscription {sub.topic}/{sub.protocol} {sub.endpoint} is pending confirmation")
    lines += [str(d) for d in report.drifts]
    lines.append("no drift" if report.ok else f"{len(report.drifts)} drift(s)")
    return "\n".join(lines)
