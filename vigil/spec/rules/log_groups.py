"""Log group settings CloudWatch Logs refuses at deploy time, which the model's character sets let through.

- a metric filter's ``value`` is a number or a log-field selector (``$.field`` in a JSON pattern, ``$field`` in a
  space-delimited one), at most 100 characters (PutMetricFilter's ``metricValue``);
- a metric filter's dimension values are log-field selectors (CloudWatch publishes the field's value);
- log group names do not start with ``aws/`` (reserved by AWS; ``/aws/...`` is a different, allowed name);
- a KMS key alias is ``alias/<name>``, and not an AWS managed key (``alias/aws/...``): CloudWatch Logs encrypts
  only with customer managed keys.
"""

from __future__ import annotations

import math
import re

from vigil.spec.rules.context import Context

#: ``$.a.b``, ``$.a[0].b``, ``$.['a-b']`` (JSON patterns) or ``$name`` (space-delimited patterns).
_SELECTOR = re.compile(r"^\$(\.[A-Za-z_@][\w@-]*|\[\d+\]|\.\[('[^']+'|\"[^\"]+\")\])+$|^\$[A-Za-z_][\w-]*$")
MAX_METRIC_VALUE = 100


def field_selector(value: str) -> bool:
    """Whether ``value`` names a log field (``$.level``, ``$.user.id``, ``$size``).

    >>> field_selector("$.latency_ms"), field_selector("$size"), field_selector("latency"), field_selector("$.")
    (True, True, False, False)
    """
    return bool(_SELECTOR.match(value))


def metric_value_problem(value: str) -> str | None:
    """Why a metric filter's ``value`` would be refused, or None.

    >>> metric_value_problem("1"), metric_value_problem("$.bytes") is None
    (None, True)
    >>> metric_value_problem("one")[:40]
    "'one' is neither a number nor a log-fiel"
    """
    if len(value) > MAX_METRIC_VALUE:
        return f"{len(value)} characters; CloudWatch allows {MAX_METRIC_VALUE}"
    try:
        number = float(value)
    except ValueError:
        number = None
    if number is not None and math.isfinite(number):
        return None
    if field_selector(value):
        return None
    return (
        f"'{value}' is neither a number nor a log-field selector: write a number ('1') or the field to publish "
        "('$.latency_ms' in a JSON pattern)"
    )


def check_log_groups(ctx: Context) -> None:
    """Filter values and dimensions, reserved names and KMS aliases of every namespace's log group."""
    for key, ns in ctx.project.namespaces.items():
        lg = ns.log_group
        if lg is None:
            continue
        if lg.name.startswith("aws/"):
            ctx.report(
                ("namespace", key, ("log_group", "name")),
                f"log group names starting with 'aws/' are reserved by AWS: '{lg.name}' would be refused; "
                f"use '/{lg.name}' or another prefix",
            )
        alias = lg.kms.key_alias
        if alias is not None and (not alias.startswith("alias/") or alias.startswith("alias/aws/")):
            why = (
                "is an AWS managed key, which CloudWatch Logs cannot use"
                if alias.startswith("alias/aws/")
                else "is not a KMS alias (aliases are 'alias/<name>')"
            )
            ctx.report(
                ("namespace", key, ("log_group", "kms", "key_alias")),
                f"'{alias}' {why}; name a customer managed key's alias",
            )
        for fname, mf in lg.metric_filters.items():
            base = ("log_group", "metric_filters", fname)
            problem = metric_value_problem(mf.value)
            if problem:
                ctx.report(("namespace", key, (*base, "value")), problem)
            for dim, selector in mf.dimensions.items():
                if not field_selector(selector):
                    ctx.report(
                        ("namespace", key, (*base, "dimensions", dim)),
                        f"'{selector}' is not a log-field selector: a filter dimension takes its value from a field "
                        f"of the log event, e.g. '$.{dim[:1].lower()}{dim[1:]}'",
                    )
