"""The lines of a CloudWatch dashboard widget, computed locally from a :class:`~vigil.emulator.store.MetricStore`.

A widget's ``metrics`` entries are resolved the way CloudWatch resolves them:

- ``[namespace, metric, dim, value, ..., {stat, period, label, id, visible}]``: one line, the exact metric;
- ``{expression: "SEARCH('{NS,Dim1,Dim2} MetricName=\\"m\\" Dim1=\\"v\\"', 'Sum', 300)"}``: one line per stored
  metric of that namespace whose dimension names are exactly the schema's and whose values match the filters;
- ``{expression: "100 * errors / requests", id}``: metric math over the ids of other lines, evaluated by
  :mod:`vigil.emulator.mathexpr` (the evaluator alarms use, so a graph and its alarm agree); ``visible: false``
  lines feed expressions but are not drawn.

An expression the evaluator cannot run offline is returned with ``note`` saying why, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from vigil.emulator.errors import EvaluateError
from vigil.emulator.store import MetricKey, MetricStore

_SEARCH = re.compile(r"""^SEARCH\(\s*'\{([^}]*)\}\s*(.*?)'\s*,\s*'([^']+)'\s*,\s*(\d+)\s*\)$""", re.S)
_TERM = re.compile(r'(\w[\w.]*)\s*=\s*"([^"]*)"')


@dataclass
class Line:
    """One drawn line: label, values at ``times`` (period end times; None where no data), and a note if any."""

    label: str
    values: list[float | None]
    stat: str
    visible: bool = True
    note: str = ""

    def latest(self) -> float | None:
        """The newest value with data."""
        return next((v for v in reversed(self.values) if v is not None), None)


def period_grid(start: int, end: int, period: int) -> list[int]:
    """Period end times covering ``[start, end]``.

    >>> period_grid(0, 600, 300)
    [300, 600]
    """
    first = start - start % period + period
    return list(range(first, end + 1, period))


def search(store: MetricStore, expression: str) -> tuple[list[tuple[MetricKey, str]], str, int] | None:
    """Keys (with their label) a ``SEARCH('{NS,dims} MetricName="m" k="v"', 'stat', period)`` matches."""
    match = _SEARCH.match(expression.strip())
    if match is None:
        return None
    schema = [part.strip() for part in match.group(1).split(",")]
    namespace, dims = schema[0], set(schema[1:])
    terms = dict(_TERM.findall(match.group(2)))
    metric = terms.pop("MetricName", None)
    found: list[tuple[MetricKey, str]] = []
    for key in store.keys():  # noqa: SIM118 (MetricStore is not a dict)
        values = dict(key.dimensions)
        if key.namespace != namespace or set(values) != dims or (metric is not None and key.metric != metric):
            continue
        if all(values.get(k) == v for k, v in terms.items()):
            free = [values[d] for d in schema[1:] if d not in terms]
            found.append((key, " ".join(free) or key.metric))
    return found, match.group(3), int(match.group(4))


def _math(
    expression: str, lines: dict[str, list[float | None]], times: Sequence[int], period: int
) -> list[float | None]:
    """Metric math over the widget's ids, with the evaluator alarms use (:mod:`vigil.emulator.mathexpr`)."""
    from vigil.emulator import mathexpr

    starts = [t - period for t in times]  # the evaluator's grid is datapoint start times
    return mathexpr.evaluate(expression, lines, times=starts, period=period)


def widget_lines(store: MetricStore, metrics: Sequence[list[Any]], times: Sequence[int], period: int) -> list[Line]:
    """Every line of a metric widget over ``times`` (period end times) at ``period`` seconds."""
    lines: list[Line] = []
    by_id: dict[str, list[float | None]] = {}
    for entry in metrics:
        options: dict[str, Any] = entry[-1] if entry and isinstance(entry[-1], dict) else {}
        fields = entry[:-1] if options else entry
        visible = options.get("visible", True) is not False
        if "expression" in options:
            lines += _expression_lines(store, options, times, period, by_id, visible)
            continue
        namespace, metric = str(fields[0]), str(fields[1])
        dims = {str(fields[i]): str(fields[i + 1]) for i in range(2, len(fields) - 1, 2)}
        stat = str(options.get("stat", "Average"))
        values = store.datapoints(MetricKey.of(namespace, metric, dims), stat, period, list(times))
        if options.get("id"):
            by_id[str(options["id"])] = values
        lines.append(Line(str(options.get("label") or metric), values, stat, visible))
    return lines


def _expression_lines(
    store: MetricStore,
    options: dict[str, Any],
    times: Sequence[int],
    period: int,
    by_id: dict[str, list[float | None]],
    visible: bool,
) -> list[Line]:
    expression = str(options["expression"])
    label = str(options.get("label") or options.get("id") or expression)
    found = search(store, expression)
    if found is not None:
        keys, stat, _period = found
        return [Line(name, store.datapoints(key, stat, period, list(times)), stat, visible) for key, name in keys]
    try:
        values = _math(expression, by_id, times, period)
    except EvaluateError as exc:
        empty: list[float | None] = [None] * len(times)
        return [Line(label, empty, "", visible, note=f"not evaluated locally: {exc}")]
    if options.get("id"):
        by_id[str(options["id"])] = values
    return [Line(label, values, "", visible)]
