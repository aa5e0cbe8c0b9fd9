"""EMF root names: in an EMF line, metric values, dimension values and properties are all members of the one
root JSON object, so a metric, a dimension and a property may never share a name (one would overwrite the other,
and CloudWatch would read a dimension value as the metric, or the reverse).

The property/dimension pair is reported by :mod:`vigil.spec.rules.namespaces`; this rule adds the pairs with a
metric.
"""

from __future__ import annotations

from vigil.spec.rules.context import Context


def check_emf_names(ctx: Context) -> None:
    """A metric named like a dimension or a property of its namespace."""
    for key, ns in ctx.project.namespaces.items():
        for name in ns.metrics:
            if name in ns.dimensions:
                ctx.report(
                    ("namespace", key, ("metrics", name)),
                    f"'{name}' is both a metric and a dimension: in an EMF line both are the root member '{name}', "
                    "so one overwrites the other; rename the metric or the dimension",
                )
        for index, prop in enumerate(ns.properties):
            if prop in ns.metrics:
                ctx.report(
                    ("namespace", key, ("properties", index)),
                    f"'{prop}' is both a property and a metric: in an EMF line both are the root member '{prop}', "
                    "so the property would overwrite the metric's value; rename the property",
                )
