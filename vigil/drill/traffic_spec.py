"""The traffic file: a service's normal traffic, as signals that each produce one catalog metric.

A **signal** produces the datapoints of one metric (namespace, name, fixed dimensions) minute by minute. Its
``kind`` says how:

- ``count``: events per minute at the daily peak (``per_minute``, scaled by the daily :class:`Curve` unless
  ``curve: false``), split over dimension values by ``mix`` (``{EndpointGroup: {auth: 0.1, ...}}``; each
  dimension is drawn independently, shares are normalised);
- ``copy``: the events of another signal (``of``) whose mix values match ``where``, as another metric
  (``http.errors`` are the ``http.requests`` events with ``StatusClass`` 4xx or 5xx);
- ``fraction``: each event of ``of`` with probability ``rate`` (``job.failed`` of ``job.claimed``);
- ``remainder``: the events of ``of`` minus those of the ``minus`` signals (``job.completed``);
- ``samples``: one value per event of ``of`` (or ``per_minute`` events), log-normal around ``median`` with
  ``sigma``; at most ``max_samples`` raw values per minute are kept, the others only counted;
- ``gauge``: a level sampled once a minute (``level`` split by ``mix``, Gaussian ``noise``, at most ``max``);
- ``heartbeat``: ``fleet`` instances each emitting 1 once a minute (``worker.heartbeat``);
- ``probe``: an outside check of the ``checks`` service, ``up`` (1) while it runs and ``down`` (0) while it is
  gone (Route 53 health checks, Synthetics canaries).

Example::

    >>> from vigil.spec.yaml_source import parse_text
    >>> doc = parse_text("version: vigil/v1\\nsignals:\\n  req: {kind: count, namespace: N, metric: m, "
    ...                  "service: api, per_minute: 10}\\n", "traffic.yaml")
    >>> TrafficFile.model_validate(doc.data).signals["req"].per_minute
    10.0
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from vigil.spec.models.common import Integer, MetricName, Namespace, Number, Spec, Version

Mix = dict[str, dict[str, Number]]


class Curve(Spec):
    """Traffic relative to the weekday peak: ``night`` outside ``[rise, fall)`` hours (UTC), a half-sine
    between them peaking at 1, times ``weekend`` on Saturdays and Sundays."""

    night: Number = Field(0.3, ge=0, le=1)
    rise: Integer = Field(6, ge=0, le=23)
    fall: Integer = Field(22, ge=1, le=24)
    weekend: Number = Field(0.55, ge=0, le=1)

    @model_validator(mode="after")
    def _order(self) -> Curve:
        if self.fall <= self.rise:
            raise ValueError(f"fall ({self.fall}) must be after rise ({self.rise}): hours of the day, UTC")
        return self


class _Signal(Spec):
    namespace: Namespace
    metric: MetricName | None = Field(None, description="None: the events only feed other signals.")
    service: str = Field(min_length=1, description="The service that emits it (absence faults remove it).")
    dimensions: dict[str, str] = Field(default_factory=dict, description="Fixed dimensions; ${environment} allowed.")
    emit_zero: bool = Field(True, description="False: a minute without events has no datapoint at all.")


def _shares(mix: Mix) -> Mix:
    for dim, shares in mix.items():
        if not shares:
            raise ValueError(f"mix.{dim}: give at least one value and its share")
        if any(s < 0 for s in shares.values()) or sum(shares.values()) <= 0:
            raise ValueError(f"mix.{dim}: shares must be >= 0 and not all 0")
    return mix


class CountSignal(_Signal):
    """Events per minute at the daily peak, split over dimension values."""

    kind: Literal["count"]
    per_minute: Number = Field(ge=0)
    mix: Mix = Field(default_factory=dict)
    curve: bool = True

    _check_mix = field_validator("mix")(_shares)


class CopySignal(_Signal):
    """The events of ``of`` whose mix values match ``where``, as another metric."""

    kind: Literal["copy"]
    of: str
    where: dict[str, list[str]] = Field(default_factory=dict)


class FractionSignal(_Signal):
    """Each event of ``of`` with probability ``rate``."""

    kind: Literal["fraction"]
    of: str
    rate: Number = Field(ge=0, le=1)


class RemainderSignal(_Signal):
    """The events of ``of`` minus those of the ``minus`` signals."""

    kind: Literal["remainder"]
    of: str
    minus: list[str] = Field(min_length=1)


class SamplesSignal(_Signal):
    """One log-normal value per event (durations, sizes)."""

    kind: Literal["samples"]
    of: str | None = None
    per_minute: Number | None = Field(None, ge=0)
    median: Number = Field(gt=0)
    sigma: Number = Field(0.5, ge=0, le=5)
    max_samples: Integer = Field(100, ge=1, le=10_000)

    @model_validator(mode="after")
    def _source(self) -> SamplesSignal:
        if (self.of is None) == (self.per_minute is None):
            raise ValueError("give exactly one of `of` (a count signal: one value per event) or `per_minute`")
        return self


class GaugeSignal(_Signal):
    """A level sampled once a minute."""

    kind: Literal["gauge"]
    level: Number = Field(ge=0)
    mix: Mix = Field(default_factory=dict)
    noise: Number = Field(0, ge=0)
    curve: bool = True
    max: Number | None = Field(None, ge=0, description="Values never exceed this (100 for a percentage).")

    _check_mix = field_validator("mix")(_shares)


class HeartbeatSignal(_Signal):
    """``fleet`` instances each emitting 1 once a minute."""

    kind: Literal["heartbeat"]
    fleet: Integer = Field(ge=1, le=10_000)


class ProbeSignal(_Signal):
    """An outside check of a service (Route 53 health check, Synthetics canary): ``up`` while every signal of
    the ``checks`` service is emitted, ``down`` while it is gone."""

    kind: Literal["probe"]
    checks: str = Field(min_length=1)
    up: Number = 1.0
    down: Number = 0.0


Signal = Annotated[
    CountSignal
    | CopySignal
    | FractionSignal
    | RemainderSignal
    | SamplesSignal
    | GaugeSignal
    | HeartbeatSignal
    | ProbeSignal,
    Field(discriminator="kind"),
]
#: Kinds whose data are event counts (a ``copy``/``fraction``/``remainder``/``samples`` ``of`` must be one).
COUNT_KINDS = ("count", "copy", "fraction", "remainder")


class TrafficFile(Spec):
    """A traffic file: the daily curve and the signals."""

    version: Version
    description: str = ""
    curve: Curve = Field(default_factory=Curve)
    signals: dict[str, Signal] = Field(min_length=1)
