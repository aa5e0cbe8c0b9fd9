"""Read and check traffic and drill files: every problem as ``file:line: field: what is wrong`` (and the fix).

The files are parsed like the rest of the project (:func:`vigil.spec.yaml_source.load_yaml`, line numbers for
every key), validated against their models, then checked against each other: every ``of``/``minus`` names a
counting signal, derived signals do not loop, every effect names a signal or service of the traffic file and
changes something that kind of signal has, ``where``/``one_of`` name mix dimensions and values that exist.

Example::

    >>> traffic = load_traffic("alarms/drill/traffic.yaml")  # doctest: +SKIP
    >>> drill = load_drill("alarms/drill/faults.yaml", traffic)  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from vigil.drill.drill_spec import DrillFile, Effect
from vigil.drill.errors import DrillSpecError
from vigil.drill.traffic_spec import COUNT_KINDS, CountSignal, GaugeSignal, Signal, TrafficFile
from vigil.spec.errors import SpecError, did_you_mean
from vigil.spec.file_model import validate_file
from vigil.spec.models.metrics import MetricNamespaceSpec
from vigil.spec.yaml_source import YamlDocument, field_name, load_yaml

M = TypeVar("M", bound=BaseModel)

#: Which change each kind of signal accepts.
CHANGES: dict[str, tuple[str, ...]] = {
    "count": ("scale", "share", "delay", "jitter", "absent"),
    "copy": ("absent",),
    "fraction": ("rate", "absent"),
    "remainder": ("absent",),
    "samples": ("scale", "tail", "absent"),
    "gauge": ("scale", "absent"),
    "heartbeat": ("fleet", "jitter", "delay", "absent"),
    "probe": ("absent",),
}


def _parse(model: type[M], path: str | Path) -> tuple[M, YamlDocument]:
    doc = load_yaml(Path(path), str(path))
    errors = list(doc.errors)
    if not errors and not isinstance(doc.data, dict):
        errors.append(SpecError(doc.file, 1, "(file)", "expected a mapping with version: vigil/v1 at the top"))
    if errors:
        raise DrillSpecError(errors)
    result = validate_file(model, doc.data, doc)
    if result.errors or result.spec is None:
        raise DrillSpecError(result.errors or [SpecError(doc.file, 1, "(file)", "the file does not validate")])
    return result.spec, doc


def load_traffic(path: str | Path, catalog: Mapping[str, MetricNamespaceSpec] | None = None) -> TrafficFile:
    """Read a traffic file; raises :class:`~vigil.drill.errors.DrillSpecError` with every located problem.

    ``catalog`` (the project's namespaces by name): signals in one of its namespaces must name a declared metric
    and declared dimensions, so a typo cannot silently generate a metric no alarm reads."""
    spec, doc = _parse(TrafficFile, path)
    errors: list[SpecError] = []
    for name, signal in spec.signals.items():
        errors.extend(_check_signal(spec, doc, name, signal))
        if catalog is not None and signal.namespace in catalog:
            errors.extend(_check_catalog(doc, name, signal, catalog[signal.namespace]))
    if not errors:
        errors.extend(_cycles(spec, doc))
    if errors:
        raise DrillSpecError(errors)
    return spec


def mix_of(spec: TrafficFile, name: str) -> dict[str, dict[str, float]]:
    """The mix dimensions and values of a signal's events (a derived signal has its root's)."""
    signal = spec.signals[name]
    seen: set[str] = set()
    parent: str | None = getattr(signal, "of", None)
    while parent is not None and parent not in seen and parent in spec.signals:
        seen.add(parent)
        signal = spec.signals[parent]
        parent = getattr(signal, "of", None)
    return dict(signal.mix) if isinstance(signal, CountSignal | GaugeSignal) else {}


def _err(doc: YamlDocument, path: tuple[Any, ...], message: str) -> SpecError:
    return SpecError(doc.file, doc.line_of(path), field_name(path), message)


def _check_signal(spec: TrafficFile, doc: YamlDocument, name: str, signal: Signal) -> list[SpecError]:
    out = []
    at = ("signals", name)
    for field, parent in [("of", getattr(signal, "of", None))] + [("minus", m) for m in getattr(signal, "minus", [])]:
        if parent is None:
            continue
        target = spec.signals.get(parent)
        if target is None:
            out.append(_err(doc, (*at, field), f"unknown signal '{parent}'{did_you_mean(parent, spec.signals)}"))
        elif target.kind not in COUNT_KINDS:
            out.append(
                _err(doc, (*at, field), f"'{parent}' is a {target.kind} signal; name a signal that counts events")
            )
        elif field == "minus" and getattr(target, "of", None) != getattr(signal, "of", None):
            mine = getattr(signal, "of", None)
            out.append(_err(doc, (*at, field), f"'{parent}' must derive from '{mine}' (of: {mine}) too"))
    mix = getattr(signal, "mix", {})
    for dim in mix:
        if dim in signal.dimensions:
            out.append(_err(doc, (*at, "mix", dim), f"{dim} is also a fixed dimension; keep it in one place"))
    if signal.kind == "copy" and not out:
        root_mix = mix_of(spec, name)
        for dim, values in signal.where.items():
            out.extend(_check_where(doc, (*at, "where", dim), dim, values, root_mix))
    if signal.kind not in ("count",) and signal.metric is None:
        out.append(_err(doc, (*at, "metric"), f"a {signal.kind} signal needs the metric it produces"))
    return out


def _check_catalog(doc: YamlDocument, name: str, signal: Signal, namespace: MetricNamespaceSpec) -> list[SpecError]:
    at = ("signals", name)
    out = []
    if signal.metric is not None and signal.metric not in namespace.metrics:
        out.append(
            _err(
                doc,
                (*at, "metric"),
                f"{namespace.namespace} declares no metric '{signal.metric}'"
                f"{did_you_mean(signal.metric, namespace.metrics)}; add it to the catalog or fix the name",
            )
        )
    dims = [("dimensions", d) for d in signal.dimensions] + [("mix", d) for d in getattr(signal, "mix", {})]
    for field, dim in dims:
        if dim not in namespace.dimensions:
            out.append(
                _err(
                    doc,
                    (*at, field, dim),
                    f"{namespace.namespace} declares no dimension '{dim}'{did_you_mean(dim, namespace.dimensions)}",
                )
            )
    return out


def _check_where(
    doc: YamlDocument, path: tuple[Any, ...], dim: str, values: list[str], mix: dict[str, dict[str, float]]
) -> list[SpecError]:
    if dim not in mix:
        known = ", ".join(sorted(mix)) or "none"
        return [_err(doc, path, f"{dim} is not a mix dimension of this signal's events (mix dimensions: {known})")]
    return [
        _err(doc, path, f"{dim} has no value '{v}' in the mix{did_you_mean(v, mix[dim])}")
        for v in values
        if v not in mix[dim]
    ]


def _cycles(spec: TrafficFile, doc: YamlDocument) -> list[SpecError]:
    from vigil.drill.world import order

    try:
        order(spec, spec.signals)
    except ValueError as exc:
        first = str(exc).split()[1].split("->")[0].strip()
        return [_err(doc, ("signals", first, "of"), f"{exc}; break the loop")]
    return []


def load_drill(path: str | Path, traffic: TrafficFile) -> DrillFile:
    """Read a drill file and check it against ``traffic``; raises :class:`~vigil.drill.errors.DrillSpecError`."""
    spec, doc = _parse(DrillFile, path)
    errors: list[SpecError] = []
    services = sorted({s.service for s in traffic.signals.values()})
    for group, entries in (("classes", spec.classes), ("noise", spec.noise)):
        for name, entry in entries.items():
            for index, effect in enumerate(entry.effects):
                errors.extend(_check_effect(traffic, doc, (group, name, "effects", index), effect, services))
    if errors:
        raise DrillSpecError(errors)
    return spec


def _check_effect(
    traffic: TrafficFile, doc: YamlDocument, at: tuple[Any, ...], effect: Effect, services: list[str]
) -> list[SpecError]:
    if effect.service is not None:
        if effect.service not in services:
            return [
                _err(
                    doc,
                    (*at, "service"),
                    f"no signal has service '{effect.service}'{did_you_mean(effect.service, services)}",
                )
            ]
        if not effect.absent and effect.where == {} and effect.one_of == {}:
            return [_err(doc, (*at, "service"), "a whole service can only be made absent; name a signal to change")]
        return []
    name = effect.signal or ""
    signal = traffic.signals.get(name)
    if signal is None:
        return [_err(doc, (*at, "signal"), f"unknown signal '{name}'{did_you_mean(name, traffic.signals)}")]
    change = effect.change
    out = []
    if change not in CHANGES[signal.kind]:
        allowed = ", ".join(CHANGES[signal.kind])
        out.append(_err(doc, (*at, change), f"a {signal.kind} signal ('{name}') accepts {allowed}, not {change}"))
    mix = mix_of(traffic, name)
    for field, wheres in (("where", effect.where), ("one_of", effect.one_of)):
        for dim, values in wheres.items():
            out.extend(_check_where(doc, (*at, field, dim), dim, values, mix))
    for dim, shares in (effect.share or {}).items():
        out.extend(_check_where(doc, (*at, "share", dim), dim, list(shares), mix))
    return out
