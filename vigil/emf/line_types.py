"""Typed shapes of an EMF line (what ``json.loads`` of a written line gives back)."""

from __future__ import annotations

from typing import NotRequired, TypedDict


class MetricDefinition(TypedDict):
    """One entry of a directive's ``Metrics`` array."""

    Name: str
    Unit: str
    StorageResolution: NotRequired[int]


class MetricDirective(TypedDict):
    """One entry of ``_aws.CloudWatchMetrics``."""

    Namespace: str
    Dimensions: list[list[str]]
    Metrics: list[MetricDefinition]


class EmfMetadata(TypedDict):
    """The ``_aws`` member of an EMF line."""

    Timestamp: int
    CloudWatchMetrics: list[MetricDirective]


#: A parsed EMF line: ``_aws`` plus root members (dimension values, metric values, properties).
EmfLine = dict[str, object]
