"""Shared building blocks of the spec models: the strict base class, names and enumerations."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

SPEC_VERSION = "vigil/v1"

Version = Literal["vigil/v1"]

#: Names of alarms, SLOs, dashboards, queries and filters: lower-case kebab, so they are valid in every
#: CloudWatch name charset (alarm names, dashboard names, SNS topic names, query definition names).
NAME_PATTERN = r"^[a-z0-9][a-z0-9-]{0,127}$"
Name = Annotated[str, StringConstraints(pattern=NAME_PATTERN)]

#: EMF / CloudWatch metric names: 1-255 chars, no control characters; we keep to a readable subset.
METRIC_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._\-/]{0,254}$"
MetricName = Annotated[str, StringConstraints(pattern=METRIC_NAME_PATTERN)]

#: CloudWatch namespaces: 1-255 chars of alphanumerics and . - _ / # : and must not start with "AWS/" (checked by the validator).
NAMESPACE_PATTERN = r"^[A-Za-z0-9.\-_/#:]{1,255}$"


def _no_leading_colon(value: str) -> str:
    """CloudWatch's ``Namespace`` pattern is ``[^:].*`` (botocore's model): no leading colon."""
    if value.startswith(":"):
        raise ValueError(f"namespace {value!r} starts with ':', which CloudWatch refuses; remove the colon")
    return value


Namespace = Annotated[str, StringConstraints(pattern=NAMESPACE_PATTERN), AfterValidator(_no_leading_colon)]

#: Dimension names: 1-255 chars, no leading colon; we keep to identifiers (PascalCase by convention).
DIMENSION_NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_]{0,254}$"
DimensionName = Annotated[str, StringConstraints(pattern=DIMENSION_NAME_PATTERN)]

#: A runbook: an https URL, or a path to a Markdown file in the project (``alarms/runbooks/worker-down.md``),
#: published under the stack's ``vigil:runbook_base_url``.
Runbook = Annotated[str, StringConstraints(pattern=r"^(https://\S+|[A-Za-z0-9_./-]+\.md)$")]

_TEMPLATE = re.compile(r"\$\{(environment|service|stack|ecs_cluster|ai_daily_budget_usd|config:[A-Za-z0-9_.-]+)\}")
_ANY_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}?")
_CONFIG_REF = re.compile(r"\$\{config:([A-Za-z0-9_.-]+)\}")
PLACEHOLDERS = ("environment", "service", "stack", "ecs_cluster", "ai_daily_budget_usd", "config:KEY")
#: The stack's daily AI budget in USD (``vigil:ai_budget: {daily_usd: N}``), for metric math expressions.
AI_BUDGET_PLACEHOLDER = "${ai_daily_budget_usd}"


class Severity(StrEnum):
    """Alarm severities; each one routes to its own SNS topic."""

    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"

    @property
    def pages(self) -> bool:
        """True for severities that wake someone up (P1, P2)."""
        return self in (Severity.P1, Severity.P2)


def strict_number(value: object) -> object:
    """Numbers are strict where YAML is loose: ``true`` is not 1, and ``.nan``/``.inf`` are not numbers."""
    if type(value) is bool:
        raise ValueError(f"expected a number, got the boolean {str(value).lower()}: write the number")
    if type(value) is float and not math.isfinite(value):
        raise ValueError(f"{value} is not a usable number (CloudWatch rejects it): write a finite number")
    return value


#: A finite number that is not a boolean (thresholds, bands, budgets, objectives): YAML's ``true`` is not 1,
#: and ``.nan``/``.inf`` are not thresholds CloudWatch accepts.
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]
#: An integer that is not a boolean (periods, counts, sizes).
Integer = Annotated[int, Field(strict=True)]


#: Tags on alarms (AWS: at most 50 per resource, keys 1-128 and values 0-256 characters of letters, digits,
#: spaces and ``_ . : / = + - @``; keys starting with ``aws:`` are reserved). Vigil adds its own 5 tags
#: (severity, service, managed-by, stack, slo), so a spec may set at most 45.
MAX_USER_TAGS = 45
_TAG_TEXT = re.compile(r"^[\w .:/=+\-@]*$")


def _tags(value: object) -> object:
    if not isinstance(value, dict):
        return value
    if len(value) > MAX_USER_TAGS:
        raise ValueError(
            f"{len(value)} tags; AWS allows 50 per alarm and Vigil sets 5 of them, so at most {MAX_USER_TAGS}"
        )
    for key, text in value.items():
        key = str(key)
        if key.lower().startswith("aws:"):
            raise ValueError(f"tag key '{key}' starts with 'aws:', which AWS reserves for its own tags: rename it")
        if not 1 <= len(key) <= 128 or not _TAG_TEXT.match(key):
            raise ValueError(f"tag key '{key}' must be 1-128 letters, digits, spaces or _ . : / = + - @: rename it")
        if isinstance(text, str) and (len(text) > 256 or not _TAG_TEXT.match(text)):
            raise ValueError(
                f"tag '{key}' has a value that is not 0-256 letters, digits, spaces or _ . : / = + - @: change it"
            )
    return value


Tags = Annotated[dict[str, str], BeforeValidator(_tags)]


class Spec(BaseModel):
    """Base of every spec model: frozen, unknown keys rejected, enum values kept as plain strings."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, use_enum_values=False)


def render_template(
    value: str,
    *,
    environment: str,
    service: str = "",
    stack: str = "",
    ecs_cluster: str = "",
    config: Mapping[str, object] | None = None,
    ai_daily_budget_usd: float | None = None,
) -> str:
    """Substitute ``${environment}``, ``${service}``, ``${stack}``, ``${ecs_cluster}``, ``${ai_daily_budget_usd}``
    and ``${config:KEY}``.

    ``${ecs_cluster}`` is the stack's ``vigil:ecs_cluster`` (default ``vigil-<environment>``), for the
    ``AWS/ECS`` and ``ECS/ContainerInsights`` metrics of the services. ``${config:KEY}`` is the stack file's plain
    value ``vigil:KEY`` (a load balancer, a queue name); one the stack does not set is left as written, and
    ``vigil check`` reports it at the dimension value. ``${ai_daily_budget_usd}`` is the stack's
    ``vigil:ai_budget.daily_usd`` (metric math); rendering it for a stack without one raises ``ValueError``
    (``vigil check`` reports that first, at the expression).

    >>> render_template("${environment}", environment="prod"), render_template("${ecs_cluster}", environment="prod")
    ('prod', 'vigil-prod')
    >>> render_template("${config:orders_queue}", environment="prod", config={"orders_queue": "orders-prod"})
    'orders-prod'
    >>> render_template("100 * cost / ${ai_daily_budget_usd}", environment="prod", ai_daily_budget_usd=240)
    '100 * cost / 240'
    """
    names = {
        "environment": environment,
        "service": service,
        "stack": stack or environment,
        "ecs_cluster": ecs_cluster or f"vigil-{environment}",
        "ai_daily_budget_usd": "" if ai_daily_budget_usd is None else f"{ai_daily_budget_usd:g}",
    }
    if ai_daily_budget_usd is None and AI_BUDGET_PLACEHOLDER in value:
        raise ValueError(
            f"{value!r} uses {AI_BUDGET_PLACEHOLDER} but the stack sets no daily AI budget; "
            "add `vigil:ai_budget: {daily_usd: <USD>}` to its stack file"
        )
    values = config or {}

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("config:"):
            found = values.get(name[len("config:") :])
            return found if isinstance(found, str) else match.group(0)
        return names[name]

    return _TEMPLATE.sub(substitute, value)


def config_keys(value: str) -> list[str]:
    """The stack config keys a value reads with ``${config:KEY}``.

    >>> config_keys("app/${config:alb_name}/${config:alb_id}")
    ['alb_name', 'alb_id']
    """
    return _CONFIG_REF.findall(value)


def unknown_placeholders(value: str) -> list[str]:
    """Placeholders in ``value`` that :func:`render_template` does not fill (typos, unclosed braces).

    >>> unknown_placeholders('Environment="${enviroment}" ${stack}')
    ['${enviroment}']
    """
    return [
        m.group(0)
        for m in _ANY_PLACEHOLDER.finditer(value)
        if (m.group(1) not in PLACEHOLDERS and not _CONFIG_REF.fullmatch(m.group(0))) or not m.group(0).endswith("}")
    ]
