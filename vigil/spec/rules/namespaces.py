"""Rules on metric namespaces: declared dimensions, units, EMF limits, log groups, filters, queries."""

from __future__ import annotations

from collections import Counter

from vigil.spec import enums, limits
from vigil.spec.errors import did_you_mean
from vigil.spec.models import MetricNamespaceSpec
from vigil.spec.rules.context import Context

EMF_MAX_DIMENSIONS = limits.EMF_DIMENSIONS.value
EMF_MAX_METRICS = limits.EMF_METRICS.value
FILTER_MAX_DIMENSIONS = limits.FILTER_DIMENSIONS.value


def check_namespaces(ctx: Context) -> None:
    """Every namespace of the project."""
    for key, ns in ctx.project.namespaces.items():
        if ns.namespace.startswith("AWS/"):
            ctx.report(
                ("namespace", key, ("namespace",)), "namespaces starting with 'AWS/' are reserved for AWS services"
            )
        _dimension_sets(ctx, key, ns)
        _metrics(ctx, key, ns)
        _log_group(ctx, key, ns)
        _contributor_rules(ctx, key, ns)
        _new_errors(ctx, key, ns)
    _shared_log_groups(ctx)


def _new_errors(ctx: Context, key: str, ns: MetricNamespaceSpec) -> None:
    """The new-error detector publishes a Count with dimensions Service and Environment to a declared metric."""
    new = ns.log_group.new_errors if ns.log_group is not None else None
    if new is None:
        return
    where = ("namespace", key, ("log_group", "new_errors", "metric"))
    metric = ns.metrics.get(new.metric)
    if metric is None:
        hint = did_you_mean(new.metric, ns.metrics)
        ctx.report(
            where, f"metric '{new.metric}' is not in {ns.namespace}{hint}; declare it under 'metrics:' (unit Count)"
        )
        return
    published = ("Service", "Environment")
    sets = [tuple(ns.dimension_sets.get(s, ())) for s in metric.dimension_sets]
    if metric.unit != "Count" or sets != [published]:
        ctx.report(
            where,
            f"the new-error detector publishes '{new.metric}' as a Count with dimensions Service and Environment; "
            f"declare it with unit Count and one dimension set [Service, Environment] (it has unit {metric.unit}, "
            f"sets {[list(s) for s in sets]})",
        )


def _contributor_rules(ctx: Context, key: str, ns: MetricNamespaceSpec) -> None:
    """Contributor Insights paths read dots as nesting: a dotted EMF key (``$.llm.cost_usd``) matches nothing, and a
    summed field must be numeric (a declared property, or a metric without a dot in its name)."""
    if ns.log_group is None:
        return
    dotted = {f"$.{m}": m for m in ns.metrics if "." in m}
    numeric = {f"$.{p}" for p in ns.properties} | {f"$.{m}" for m in ns.metrics if "." not in m}
    for name, rule in ns.log_group.contributor_rules.items():
        base = ("log_group", "contributor_rules", name)
        paths: list[tuple[tuple[str | int, ...], str]] = [(("keys", i), p) for i, p in enumerate(rule.keys)]
        paths += [(("filters", i, "match"), f.match) for i, f in enumerate(rule.filters)]
        if rule.value_of is not None:
            paths.append((("value_of",), rule.value_of))
        for fields, path in paths:
            if path in dotted:
                ctx.report(
                    ("namespace", key, (*base, *fields)),
                    f"'{path}' reads field '{dotted[path].split('.')[0]}' and then a nested key: Contributor Insights "
                    f"takes every dot as nesting, so the EMF key '{dotted[path]}' never matches; emit the value again "
                    "as a property without a dot (e.g. cost_usd) and name that",
                )
        if rule.value_of is not None and rule.value_of not in numeric and rule.value_of not in dotted:
            ctx.report(
                ("namespace", key, (*base, "value_of")),
                f"'{rule.value_of}' is neither a declared property nor a metric of {ns.namespace}; the rule sums it, so "
                "declare it under 'properties:' (the app must write a number there)",
                "warning",
            )


def _shared_log_groups(ctx: Context) -> None:
    """One log group per namespace: its retention, KMS key, filters and app policy belong to one service."""
    owner: dict[str, str] = {}
    for key, ns in ctx.project.namespaces.items():
        if ns.log_group is None:
            continue
        first = owner.setdefault(ns.log_group.name, key)
        if first != key:
            ctx.report(
                ("namespace", key, ("log_group", "name")),
                f"log group '{ns.log_group.name}' already belongs to namespace {first}; each namespace needs its "
                "own log group (Vigil creates it with its retention, KMS key and filters): choose another name",
            )


def _dimension_sets(ctx: Context, key: str, ns: MetricNamespaceSpec) -> None:
    for set_name, dims in ns.dimension_sets.items():
        where = ("namespace", key, ("dimension_sets", set_name))
        if len(dims) > EMF_MAX_DIMENSIONS:
            ctx.report(
                where, f"{len(dims)} dimensions in one set; EMF and CloudWatch allow at most {EMF_MAX_DIMENSIONS}"
            )
        for dup, count in Counter(dims).items():
            if count > 1:
                ctx.report(where, f"dimension '{dup}' appears {count} times in the set")
        for index, dim in enumerate(dims):
            if dim not in ns.dimensions:
                hint = did_you_mean(dim, ns.dimensions)
                ctx.report(
                    ("namespace", key, ("dimension_sets", set_name, index)),
                    f"dimension '{dim}' is not declared under 'dimensions:'{hint}; declare it with its expected cardinality",
                )
    for prop in ns.properties:
        if prop in ns.dimensions:
            ctx.report(("namespace", key, ("properties",)), f"'{prop}' is both a property and a dimension; pick one")


def _metrics(ctx: Context, key: str, ns: MetricNamespaceSpec) -> None:
    per_set: Counter[str] = Counter()
    for name, metric in ns.metrics.items():
        if metric.unit not in enums.units():
            hint = did_you_mean(metric.unit, enums.units())
            ctx.report(
                ("namespace", key, ("metrics", name, "unit")),
                f"unknown unit '{metric.unit}'{hint}; CloudWatch units: {', '.join(enums.units())}",
            )
        for index, set_name in enumerate(metric.dimension_sets):
            per_set[set_name] += 1
            if set_name not in ns.dimension_sets:
                hint = did_you_mean(set_name, ns.dimension_sets)
                ctx.report(
                    ("namespace", key, ("metrics", name, "dimension_sets", index)),
                    f"unknown dimension set '{set_name}'{hint}; declared sets: {', '.join(ns.dimension_sets) or 'none'}",
                )
        for stat in metric.statistics:
            if not enums.is_statistic(stat):
                ctx.report(("namespace", key, ("metrics", name, "statistics")), f"unknown statistic '{stat}'")
    for set_name, count in per_set.items():
        if count > EMF_MAX_METRICS and set_name in ns.dimension_sets:
            ctx.report(
                ("namespace", key, ("dimension_sets", set_name)),
                f"{count} metrics share this dimension set; one EMF event carries at most {EMF_MAX_METRICS} metrics",
            )


def _log_group(ctx: Context, key: str, ns: MetricNamespaceSpec) -> None:
    lg = ns.log_group
    if lg is None:
        return
    if lg.retention_days is None:
        ctx.report(
            ("namespace", key, ("log_group", "retention_days")),
            "every log group needs a retention (policy); logs kept forever cost forever",
        )
    for fname, mf in lg.metric_filters.items():
        where = ("namespace", key, ("log_group", "metric_filters", fname))
        if mf.metric not in ns.metrics:
            hint = did_you_mean(mf.metric, ns.metrics)
            ctx.report(
                (where[0], where[1], (*where[2], "metric")),
                f"filter metric '{mf.metric}' is not declared in {ns.namespace}{hint}",
            )
        elif not any(set(s) == set(mf.dimensions) for s in ns.metric_dimension_sets(mf.metric)):
            ctx.report(
                (where[0], where[1], (*where[2], "dimensions")),
                f"filter dimensions [{', '.join(mf.dimensions)}] match no dimension set of {mf.metric}",
            )
        if len(mf.dimensions) > FILTER_MAX_DIMENSIONS:
            ctx.report(
                (where[0], where[1], (*where[2], "dimensions")),
                f"a metric filter takes at most {FILTER_MAX_DIMENSIONS} dimensions",
            )
        if mf.pattern.count("{") != mf.pattern.count("}"):
            ctx.report((where[0], where[1], (*where[2], "pattern")), "unbalanced braces in the filter pattern")
