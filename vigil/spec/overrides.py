"""Apply a stack's ``vigil:overrides`` (thresholds, disabled alarms, retention) to a project."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from vigil.spec.errors import SpecError, did_you_mean
from vigil.spec.models import AlarmOverride, LogGroupSpec, MetricNamespaceSpec, Project, SloSpec

_SLO_FIELDS = {"objective", "enabled"}


def _updated(model: Any, changes: dict[str, Any]) -> Any:
    data = model.model_dump(by_alias=True, exclude_unset=False)
    return type(model).model_validate({**data, **changes})


def _override_alarm(name: str, target: Any, override: AlarmOverride, error: Any) -> Any:
    changes = override.model_dump(exclude_none=True)
    if isinstance(target, SloSpec):
        bad = sorted(set(changes) - _SLO_FIELDS)
        if bad:
            error(
                ("overrides", "alarms", name, bad[0]),
                f"'{bad[0]}' cannot be overridden on SLO '{name}'; an SLO takes: objective, enabled",
            )
            return target
    else:
        fields = type(target).model_fields
        bad = sorted(k for k in changes if k not in fields)
        if bad:
            kind = getattr(target, "kind", "alarm")
            error(("overrides", "alarms", name, bad[0]), f"alarm '{name}' is a {kind} alarm and has no '{bad[0]}'")
            return target
    try:
        return _updated(target, changes)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] and str(first["loc"][0]) in changes else None
        where = ("overrides", "alarms", name, field) if field else ("overrides", "alarms", name)
        message = first["msg"].removeprefix("Value error, ")
        error(where, f"override makes alarm '{name}' invalid: {message}")
        return target


def _retention(ns: MetricNamespaceSpec, days: int) -> MetricNamespaceSpec:
    if ns.log_group is None:
        return ns
    log_group: LogGroupSpec = ns.log_group.model_copy(update={"retention_days": days})
    return ns.model_copy(update={"log_group": log_group})


def apply_overrides(project: Project, sources: Any, errors: list[SpecError]) -> Project:
    """The project as the stack sees it; unknown names in overrides are errors (with a did-you-mean).

    Retention precedence: ``overrides.retention[namespace]`` > ``vigil:retention_days`` > the namespace's own.
    """
    stack = project.stack
    if stack is None:
        return project

    def error(fields: tuple[Any, ...], message: str) -> None:
        errors.append(sources.error("stack", stack.name, fields, message))

    alarms: dict[str, Any] = dict(project.alarms)
    slos: dict[str, SloSpec] = dict(project.slos)
    for name, override in stack.overrides.alarms.items():
        if name in alarms:
            alarms[name] = _override_alarm(name, alarms[name], override, error)
            sources.overridden[("alarm", name)] = set(override.model_dump(exclude_none=True))
        elif name in slos:
            slos[name] = _override_alarm(name, slos[name], override, error)
            sources.overridden[("slo", name)] = set(override.model_dump(exclude_none=True))
        elif not sources.is_broken("alarm", name):
            hint = did_you_mean(name, [*alarms, *slos])
            error(("overrides", "alarms", name), f"override for unknown alarm or SLO '{name}'{hint}")
    namespaces = dict(project.namespaces)
    if stack.retention_days is not None:
        namespaces = {k: _retention(ns, stack.retention_days) for k, ns in namespaces.items()}
    for namespace, days in stack.overrides.retention.items():
        if namespace not in namespaces:
            if sources.is_broken("namespace", namespace):
                continue
            error(
                ("overrides", "retention", namespace),
                f"retention override for unknown namespace '{namespace}'{did_you_mean(namespace, namespaces)}",
            )
            continue
        namespaces[namespace] = _retention(namespaces[namespace], days)
    return project.model_copy(update={"alarms": alarms, "slos": slos, "namespaces": namespaces})
