"""The declared AWS service namespaces (``vigil/spec/data/aws_metrics.json``) as catalog namespaces.

Alarms and dashboards may read AWS service metrics (``AWS/ApplicationELB``, ``ECS/ContainerInsights``,
``AWS/SNS`` ...) without a ``metrics/`` file: AWS emits them, so the project never declares them, but
``vigil check`` still validates metric names, dimension sets, statistics and units against this curated
list. Each namespace cites the AWS documentation page its metrics were taken from.

>>> ns = aws_namespace("AWS/SQS")
>>> ns.metrics["ApproximateAgeOfOldestMessage"].unit, ns.metric_dimension_sets("ApproximateAgeOfOldestMessage")
('Seconds', [('QueueName',)])
>>> aws_namespace("Vigil/API") is None
True
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from vigil.spec.models.metrics import MetricNamespaceSpec

DATA_FILE = Path(__file__).with_name("data") / "aws_metrics.json"


@cache
def _data() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return loaded


def aws_namespaces() -> tuple[str, ...]:
    """Every declared AWS namespace, sorted."""
    return tuple(sorted(_data()["namespaces"]))


def source(namespace: str) -> str:
    """The AWS documentation page a namespace's metrics were taken from."""
    return str(_data()["namespaces"][namespace]["source"])


def region_only(namespace: str) -> str | None:
    """The one region a namespace is published in (``AWS/Route53``: ``us-east-1``), or None."""
    entry = _data()["namespaces"].get(namespace, {})
    value = entry.get("region_only")
    return str(value) if value else None


@cache
def aws_namespace(namespace: str) -> MetricNamespaceSpec | None:
    """A declared AWS namespace as a catalog namespace (service ``aws``), or None when it is not declared."""
    entry = _data()["namespaces"].get(namespace)
    if entry is None:
        return None
    return MetricNamespaceSpec.model_validate(
        {
            "version": "vigil/v1",
            "namespace": namespace,
            "service": "aws",
            "description": f"AWS service metrics, from {entry['source']}",
            "dimensions": {name: {"description": text} for name, text in entry["dimensions"].items()},
            "dimension_sets": entry["dimension_sets"],
            "metrics": entry["metrics"],
        }
    )
