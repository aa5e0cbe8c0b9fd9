"""The state every rule reads and reports into."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vigil.spec import enums, metric_math
from vigil.spec.aws_metrics import aws_namespace, aws_namespaces
from vigil.spec.errors import Level, SpecError, did_you_mean
from vigil.spec.math_parser import MathSyntaxError, parse_syntax
from vigil.spec.models import MetricRef, MetricSpec, Project
from vigil.spec.models.common import (
    AI_BUDGET_PLACEHOLDER,
    PLACEHOLDERS,
    config_keys,
    render_template,
    unknown_placeholders,
)
from vigil.spec.models.metrics import dimension_value_problem
from vigil.spec.slo import expand_slo
from vigil.spec.sources import Sources
from vigil.spec.statistic import Statistic, StatisticError, parse_statistic

Where = tuple[str, str, tuple[Any, ...]]  # (kind, name, fields)

_MATH_ID = re.compile(r"\b[a-z][a-zA-Z0-9_]*\b")
_QUOTED = re.compile(r'"[^"]*"|\'[^\']*\'')


def placeholder_message(value: str) -> str:
    """The error for a value with placeholders that will not be filled."""
    bad = ", ".join(unknown_placeholders(value))
    known = ", ".join("${" + p + "}" for p in PLACEHOLDERS)
    return f"unknown placeholder {bad}; the placeholders are {known}"


def expression_ids(expression: str) -> set[str]:
    """Metric ids a metric math expression refers to (quoted strings, functions and numbers ignored).

    Read from the parsed expression; an expression that does not parse (its syntax error is reported on its own)
    falls back to every lowercase word outside quotes.

    >>> sorted(expression_ids("100 * FILL(failed, 0) / claimed + SEARCH('{Vigil/API} http', 'Sum')"))
    ['claimed', 'failed']
    """
    try:
        return set(metric_math.ids(parse_syntax(expression)))
    except MathSyntaxError:
        return set(_MATH_ID.findall(_QUOTED.sub("", expression)))


def alarm_statistic_warning(stat: str, parsed: Statistic) -> str | None:
    """A warning for a two-percentage range outside 10-90 %, which PutMetricAlarm's reference does not list.

    >>> alarm_statistic_warning("TM(5%:95%)", parse_statistic("TM(5%:95%)"))[:40]
    'the PutMetricAlarm reference lists TM(X%'
    >>> alarm_statistic_warning("TM(10%:90%)", parse_statistic("TM(10%:90%)")) is None
    True
    """
    if stat[:3] not in ("TM(", "WM(", "TC(", "TS(") or not parsed.percent:
        return None
    if parsed.lower is None or parsed.upper is None or (parsed.lower >= 10 and parsed.upper <= 90):
        return None
    return (
        f"the PutMetricAlarm reference lists {stat[:2]}(X%:X%) for alarms with X between 10 and 90; "
        f"'{stat}' may be refused at deploy time (dashboards accept it)"
    )


def math_syntax_error(expression: str) -> str | None:
    """Why a dashboard's metric math expression would be refused (syntax, function names), or None.

    ``${...}`` placeholders are rendered first so a SEARCH filter on ``${environment}`` parses.

    >>> math_syntax_error("FIL(m1, 0)")
    "unknown function 'FIL' at column 1 (did you mean FILL?): FIL(m1, 0)"
    """
    try:
        metric_math.parse(render_template(expression, environment="x", ai_daily_budget_usd=1.0))
    except MathSyntaxError as exc:
        return f"{exc}: {expression}"
    return None


@dataclass
class Context:
    """A project under validation, where its specs came from, and the errors found so far."""

    project: Project
    sources: Sources
    root: Path
    errors: list[SpecError] = field(default_factory=list)

    def report(self, where: Where, message: str, severity: Level = "error") -> None:
        """Record a problem at ``(kind, name, fields)``."""
        kind, name, fields = where
        self.errors.append(self.sources.error(kind, name, fields, message, severity))

    def stack_values(self) -> dict[str, str]:
        """The stack file's plain ``vigil:*`` values (what ``${config:KEY}`` reads); none without a stack."""
        stack = self.project.stack
        return {k: v for k, v in stack.values.items() if isinstance(v, str)} if stack else {}

    def config_refs_set(self, where: Where, value: str) -> bool:
        """Report each ``${config:KEY}`` of ``value`` that the stack file does not set as a plain value."""
        stack = self.project.stack
        if stack is None:
            return True
        ok = True
        for key in config_keys(value):
            if key in self.stack_values():
                continue
            ok = False
            secret = stack.has_value(key)
            hint = did_you_mean(key, self.stack_values())
            self.report(
                where,
                f"stack '{stack.name}': ${{config:{key}}} reads 'vigil:{key}', which stacks/Pulumi.{stack.name}.yaml "
                + (
                    "sets as a secret; a dimension value is public: set it as a plain value"
                    if secret
                    else f"does not set{hint}; add 'vigil:{key}: <value>' under 'config:' in that file"
                ),
            )
        return ok

    def alarm_names(self) -> set[str]:
        """Every alarm name that will exist: plain alarms, SLO names, and SLO burn-rate pair names."""
        names = set(self.project.alarms) | set(self.project.slos)
        for slo_name, slo in self.project.slos.items():
            names.update(a.name for a in expand_slo(slo_name, slo))
        return names

    def metric_ref(self, where: Where, ref: MetricRef) -> MetricSpec | None:
        """Check a metric reference against the catalog; the metric's spec when it resolves."""
        kind, name, fields = where
        ns = self.project.namespaces.get(ref.namespace) or aws_namespace(ref.namespace)
        if ns is None and self.sources.is_broken("namespace", ref.namespace):
            return None  # its file failed to load and was reported already
        if ns is None:
            hint = did_you_mean(ref.namespace, [*self.project.namespaces, *aws_namespaces()])
            self.report(
                (kind, name, (*fields, "namespace")),
                f"unknown namespace '{ref.namespace}'{hint}; declare it in metrics/, or for an AWS service metric "
                "add it with its AWS documentation page to vigil/spec/data/aws_metrics.json",
            )
            return None
        metric = ns.metrics.get(ref.metric)
        if metric is None and self.sources.is_broken("metric", f"{ref.namespace}/{ref.metric}"):
            return None  # declared, but invalid: reported in its metrics/ file
        if metric is None:
            hint = did_you_mean(ref.metric, ns.metrics)
            self.report(
                (kind, name, (*fields, "metric")),
                f"metric '{ref.metric}' is not in namespace {ref.namespace}{hint}: an alarm on a metric nobody emits "
                "never fires; declare it in the namespace's metrics/ file or fix the name",
            )
            return None
        self._dimensions(where, ref, ns.metric_dimension_sets(ref.metric), ns.dimensions)
        self.statistic(where, ref.statistic)
        return metric

    def statistic(self, where: Where, stat: str) -> None:
        """Report ``stat`` at ``(kind, name, fields + statistic)`` unless CloudWatch accepts it."""
        kind, name, fields = where
        try:
            parsed = parse_statistic(stat)
        except StatisticError as exc:
            hint = did_you_mean(stat, [*enums.statistics(), "IQM", "p50", "p90", "p95", "p99"])
            message = str(exc)
            if hint and message.startswith(f"unknown statistic '{stat}';"):
                message = message.replace(f"'{stat}';", f"'{stat}'{hint};", 1)
            self.report((kind, name, (*fields, "statistic")), message)
            return
        warning = alarm_statistic_warning(stat, parsed) if kind in ("alarm", "slo") else None
        if warning:
            self.report((kind, name, (*fields, "statistic")), warning, "warning")

    def _dimensions(self, where: Where, ref: MetricRef, sets: list[tuple[str, ...]], declared: Any) -> None:
        kind, name, fields = where
        keys = set(ref.dimensions)
        if not any(set(s) == keys for s in sets):
            listing = "; ".join("[" + ", ".join(s) + "]" for s in sets) or "none"
            self.report(
                (kind, name, (*fields, "dimensions")),
                f"dimensions [{', '.join(sorted(keys))}] do not match any dimension set of {ref.metric} "
                f"(declared: {listing}); CloudWatch treats each combination as a different metric, so the alarm would watch nothing",
            )
            return
        env = self.project.environment
        for dim, value in ref.dimensions.items():
            if unknown_placeholders(value):
                self.report((kind, name, (*fields, "dimensions", dim)), placeholder_message(value))
                continue
            if not self.config_refs_set((kind, name, (*fields, "dimensions", dim)), value):
                continue
            rendered = render_template(value, environment=env, config=self.stack_values())
            known = declared[dim].values if dim in declared else ()
            problem = dimension_value_problem(rendered)
            if problem:
                self.report((kind, name, (*fields, "dimensions", dim)), f"{problem}: change the value")
            elif known and rendered not in known:
                hint = did_you_mean(rendered, known)
                self.report(
                    (kind, name, (*fields, "dimensions", dim)),
                    f"'{rendered}' is not a declared value of dimension {dim}{hint}; declared: {', '.join(known)}",
                )


def budget_set(ctx: Context, where: Where, expression: str) -> None:
    """An expression dividing by the stack's daily AI budget needs a stack that sets one."""
    stack = ctx.project.stack
    if AI_BUDGET_PLACEHOLDER in expression and stack is not None and stack.ai_budget is None:
        ctx.report(
            where,
            f"{AI_BUDGET_PLACEHOLDER} is the stack's daily AI budget, and stack '{stack.name}' sets none: add "
            f"`vigil:ai_budget: {{daily_usd: <USD>}}` to stacks/Pulumi.{stack.name}.yaml (an alarm can instead be "
            "disabled there: vigil:overrides: alarms: <name>: {enabled: false})",
        )
