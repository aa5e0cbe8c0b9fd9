"""Incident families (issue 18): one page per incident, and no count threshold on traffic that pages unguarded.

Three structural rules on the alarms that page (severity P1 or P2):

- a paging alarm outside every composite that watches a metric a paging composite's child also watches fires
  beside that composite for the same incident: two pages (an error);
- a child of a paging composite that still notifies on its own pages beside its composite (a warning: set
  ``notify: false`` on the child, the composite is the page);
- a paging count threshold (``Sum`` of a Count metric, ``>`` a positive number) on a metric the catalog declares
  with traffic (``events_per_minute`` of at least 1), that neither divides (a rate) nor has a volume guard (an
  ``IF(...)``), pages for a busy hour and misses a quiet night's total failure (a warning: make it a rate).

Example::

    >>> from vigil.spec.rules.families import signals
    >>> from vigil.spec.models import StaticAlarm
    >>> alarm = StaticAlarm.model_validate({"kind": "static", "severity": "P1", "threshold": 5,
    ...     "metric": {"namespace": "Shop/API", "metric": "http.errors"}})
    >>> sorted(signals(alarm))
    [('Shop/API', 'http.errors')]
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from vigil.spec.models import CompositeAlarm, MathAlarm, MetricRef, MetricSpec, Severity, StaticAlarm
from vigil.spec.models.rules import rule_names
from vigil.spec.rules.context import Context

PAGING = (Severity.P1, Severity.P2)
Signal = tuple[str, str]


def _refs(alarm: object) -> Iterator[MetricRef]:
    metric = getattr(alarm, "metric", None)
    if isinstance(metric, MetricRef):
        yield metric
    metrics = getattr(alarm, "metrics", None)
    if isinstance(metrics, Mapping):
        yield from (m for m in metrics.values() if isinstance(m, MetricRef))


def signals(alarm: object) -> set[Signal]:
    """``(namespace, metric)`` of every metric an alarm reads (none for a composite)."""
    return {(ref.namespace, ref.metric) for ref in _refs(alarm)}


def _pages(alarm: object) -> bool:
    return getattr(alarm, "severity", None) in PAGING and bool(getattr(alarm, "notify", False))


def _descendants(name: str, alarms: Mapping[str, object], seen: set[str]) -> set[str]:
    alarm = alarms.get(name)
    if not isinstance(alarm, CompositeAlarm) or name in seen:
        return set()
    seen.add(name)
    out: set[str] = set()
    for child in rule_names(alarm.rule):
        out.add(child)
        out |= _descendants(child, alarms, seen)
    return out


def _family_signals(ctx: Context) -> tuple[dict[Signal, str], set[str]]:
    """Signals watched under each paging composite (signal -> composite) and every alarm any composite reads."""
    alarms = ctx.project.alarms
    watched: dict[Signal, str] = {}
    members: set[str] = set()
    for name, alarm in sorted(alarms.items()):
        if not isinstance(alarm, CompositeAlarm):
            continue
        below = _descendants(name, alarms, set())
        members |= below
        if not _pages(alarm):
            continue
        for child in sorted(below):
            for signal in signals(alarms.get(child)):
                watched.setdefault(signal, name)
    return watched, members


def _beside_a_family(ctx: Context) -> None:
    watched, members = _family_signals(ctx)
    for name, alarm in ctx.project.alarms.items():
        if isinstance(alarm, CompositeAlarm) or name in members or not _pages(alarm):
            continue
        shared = sorted(s for s in signals(alarm) if s in watched)
        if shared:
            namespace, metric = shared[0]
            ctx.report(
                ("alarm", name, ()),
                f"alarm '{name}' pages on its own and watches {namespace} {metric}, which the paging composite "
                f"'{watched[shared[0]]}' also watches: one incident pages twice; add it to that composite's rule and "
                "set notify: false here (or give it a severity that does not page)",
            )


def _children_that_page(ctx: Context) -> None:
    alarms = ctx.project.alarms
    for name, alarm in sorted(alarms.items()):
        if not isinstance(alarm, CompositeAlarm) or not _pages(alarm):
            continue
        for child in dict.fromkeys(rule_names(alarm.rule)):
            target = alarms.get(child)
            if target is not None and not isinstance(target, CompositeAlarm) and _pages(target):
                ctx.report(
                    ("alarm", child, ()),
                    f"alarm '{child}' pages on its own and through the composite '{name}': one incident pages twice; "
                    "set notify: false on it (the composite's page names it)",
                    "warning",
                )


def _unguarded_counts(ctx: Context) -> None:
    for name, alarm in ctx.project.alarms.items():
        if not isinstance(alarm, (StaticAlarm, MathAlarm)) or alarm.severity not in PAGING:
            continue
        if alarm.comparison not in (">", ">=", "GreaterThanThreshold", "GreaterThanOrEqualToThreshold"):
            continue
        if isinstance(alarm, MathAlarm) and ("IF(" in alarm.expression.replace(" ", "") or "/" in alarm.expression):
            continue  # guarded, or a ratio (a rate, not a count)
        if alarm.threshold <= 0:
            continue
        refs = list(_refs(alarm))
        specs = [_traffic_count(ctx, ref) for ref in refs]
        if not refs or any(spec is None for spec in specs):
            continue  # something in it is not a traffic count (a gauge, a task count, an AWS metric)
        ref, spec = refs[0], specs[0]
        assert spec is not None
        ctx.report(
            ("alarm", name, ("threshold",)),
            f"a paging count threshold on {ref.metric}, a metric that follows traffic (about "
            f"{spec.events_per_minute:g} a minute at peak), without a volume guard: it pages for a busy hour and "
            "misses a quiet night's total failure; divide by the traffic with a guard, e.g. "
            "IF(requests >= 20, 100 * errors / requests, 0)",
            "warning",
        )


def _traffic_count(ctx: Context, ref: MetricRef) -> MetricSpec | None:
    """The catalog spec of ``ref`` when it is a Sum of a Count metric declared with traffic, else None."""
    ns = ctx.project.namespaces.get(ref.namespace)
    spec = ns.metrics.get(ref.metric) if ns is not None else None
    if spec is None or ref.statistic != "Sum" or spec.unit != "Count" or (spec.events_per_minute or 0) < 1:
        return None
    return spec


def check_families(ctx: Context) -> None:
    """Paging alarms beside a family, children that page on their own, unguarded paging counts."""
    _beside_a_family(ctx)
    _children_that_page(ctx)
    _unguarded_counts(ctx)
