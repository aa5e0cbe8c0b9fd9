"""Alarm unit-test files (``alarms/tests/*.yaml``): the format, and loading it with located errors.

The format is a contract (other tests are written against it)::

    version: vigil/v1
    stack: prod                 # catalog, overrides and ${environment} of this stack (default: dev)
    tests:
      - name: 5xx burst pages within 5 minutes
        interval: 1m            # time between consecutive values of each series (default 1m)
        start: 2026-01-05T00:00:00Z   # time of value 0 (default 2026-01-01T00:00:00Z)
        series:
          - metric: {namespace: Vigil/API, metric: http.requests, dimensions: {Service: api, Environment: prod}}
            values: "100x30"
        alarms: {}              # extra alarms for this test only (same schema as alarms/*.yaml `alarms:`)
        expect:
          - {alarm: api-error-rate-5m, at: 30m, state: ALARM}
          - {alarm: api-error-rate-5m, first_alarm: [21m, 26m]}   # or `never`
          - {alarm: api-error-rate-5m, pages: 1}                     # pages (PagerDuty/SMS) during the case
          - {alarm: api-error-rate-5m, notifies: P1, between: [21m, 26m]}   # or `notifies: nobody`

Value ``i`` of a series is a sample at ``start + i * interval``; an alarm evaluated at time T sees the periods that
ended at or before T; before its first evaluation an alarm is INSUFFICIENT_DATA.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from vigil.spec.errors import SpecError
from vigil.spec.model_errors import translate
from vigil.spec.models.alarms import Alarm
from vigil.spec.models.common import DimensionName, MetricName, Name, Namespace, Spec, Version
from vigil.spec.notation import NotationError, expand, parse_duration
from vigil.spec.yaml_source import YamlDocument, load_yaml

DEFAULT_START = datetime(2026, 1, 1, tzinfo=UTC)
TESTS_DIR = Path("alarms") / "tests"


def _duration(value: Any) -> Any:
    if isinstance(value, str):
        try:
            parse_duration(value)
        except NotationError as exc:
            raise ValueError(str(exc)) from exc
        return value
    raise ValueError(f"duration {value!r} needs a unit: s, m, h, d or w (e.g. '5m', '90s')")


class SeriesMetric(Spec):
    """The metric a series feeds; dimension values may use ``${environment}``."""

    namespace: Namespace
    metric: MetricName
    dimensions: dict[DimensionName, str] = Field(default_factory=dict)


class StatisticSet(Spec):
    """One interval published as a statistic set (PutMetricData ``StatisticValues``; what CloudWatch returns)."""

    sample_count: Annotated[float, Field(gt=0)]
    sum: float
    minimum: float
    maximum: float

    @model_validator(mode="after")
    def _consistent(self) -> StatisticSet:
        if self.minimum > self.maximum:
            raise ValueError(f"minimum {self.minimum} is above maximum {self.maximum}")
        if not self.minimum * self.sample_count <= self.sum <= self.maximum * self.sample_count:
            raise ValueError("sum must lie between sample_count x minimum and sample_count x maximum")
        return self


class SeriesSpec(Spec):
    """One metric's data: ``values``, one token per interval (see :mod:`vigil.spec.notation`), or
    ``statistic_sets``, one set (or null: no data) per interval; percentiles of a set exist only when its
    sample_count is 1 or its minimum equals its maximum, as CloudWatch says."""

    metric: SeriesMetric
    values: str | list[float | str] | None = None
    statistic_sets: list[StatisticSet | None] | None = None

    @field_validator("values")
    @classmethod
    def _readable(cls, value: str | list[float | str] | None) -> str | list[float | str] | None:
        try:
            if value is not None:
                expand(list(value) if isinstance(value, list) else value)
        except NotationError as exc:
            raise ValueError(str(exc)) from exc
        return value

    @model_validator(mode="after")
    def _one_source(self) -> SeriesSpec:
        if (self.values is None) == (self.statistic_sets is None):
            raise ValueError("give either `values` or `statistic_sets`")
        return self

    def samples(self) -> list[list[float]]:
        """Samples of each interval (none for a series of statistic sets)."""
        if self.values is None:
            return []
        return expand(list(self.values) if isinstance(self.values, list) else self.values)


class Expectation(Spec):
    """What an alarm must do: its state ``at`` a time, the window of its ``first_alarm`` (or ``never``), how many
    ``pages`` it sends (every alarm of the case when ``alarm`` is left out), or whom it ``notifies``.

    ``notifies`` is a severity (its topic got a notification: ALARM by default, or ``state``), optionally with the
    window of the first such notification in ``between``; or ``nobody`` (no notification at all, or none for
    ``state``). A page is what ``vigil backtest`` counts: an ALARM notification that reaches PagerDuty or SMS.
    """

    alarm: str | None = None
    at: str | None = None
    state: Literal["OK", "ALARM", "INSUFFICIENT_DATA"] | None = None
    first_alarm: Literal["never"] | tuple[str, str] | None = None
    pages: Annotated[int, Field(ge=0)] | None = None
    notifies: Literal["P1", "P2", "P3", "P4", "nobody"] | None = None
    between: tuple[str, str] | None = None

    @field_validator("at", mode="before")
    @classmethod
    def _at(cls, value: object) -> object:
        return None if value is None else str(_duration(value))

    @field_validator("first_alarm", "between", mode="before")
    @classmethod
    def _window(cls, value: Any) -> Any:
        if isinstance(value, list | tuple) and len(value) == 2:
            low, high = (parse_duration(_duration(v)) for v in value)
            if low > high:
                raise ValueError(f"the window [{value[0]}, {value[1]}] ends before it starts")
        return value

    @model_validator(mode="after")
    def _one_form(self) -> Expectation:
        forms = [f for f in ("at", "first_alarm", "pages", "notifies") if getattr(self, f) is not None]
        if len(forms) != 1:
            raise ValueError(
                "give exactly one of: `at` with `state`, `first_alarm` ([from, to] or never), `pages` (a count), "
                "`notifies` (P1..P4 or nobody)"
            )
        if self.alarm is None and forms != ["pages"]:
            raise ValueError("name the `alarm` (only `pages` may count every alarm of the case)")
        if self.at is not None and self.state is None:
            raise ValueError("`at` needs `state`: OK, ALARM or INSUFFICIENT_DATA")
        if self.state is not None and self.at is None and self.notifies is None:
            raise ValueError("`state` goes with `at` or `notifies`")
        if self.between is not None and self.notifies in (None, "nobody"):
            raise ValueError("`between` is the window of the first notification: it goes with `notifies: P1..P4`")
        return self


class AlarmTest(Spec):
    """One test case: series fed to the stack's alarms, and what the alarms must do."""

    name: Annotated[str, Field(min_length=1)]
    interval: str = "1m"
    start: datetime = DEFAULT_START
    series: list[SeriesSpec] = Field(default_factory=list)
    alarms: dict[Name, Alarm] = Field(default_factory=dict)
    #: Raw CloudWatch AlarmRule strings (name -> rule) over the case's alarms (see :mod:`vigil.alarmtest.raw_rules`).
    composites: dict[Name, Annotated[str, Field(min_length=1, max_length=10240)]] = Field(default_factory=dict)
    expect: Annotated[list[Expectation], Field(min_length=1)]

    @field_validator("interval", mode="before")
    @classmethod
    def _interval(cls, value: object) -> object:
        _duration(value)
        if parse_duration(str(value)) < 1:
            raise ValueError("interval must be at least 1s")
        return value

    @field_validator("start")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    @property
    def start_epoch(self) -> int:
        """``start`` in epoch seconds."""
        return int(self.start.timestamp())

    @property
    def interval_seconds(self) -> int:
        """``interval`` in seconds."""
        return parse_duration(self.interval)


class TestFile(Spec):
    """One ``alarms/tests/*.yaml`` file."""

    __test__ = False  # not a pytest class

    version: Version
    stack: str = "dev"
    tests: Annotated[list[AlarmTest], Field(min_length=1)]


def load_test_file(path: Path, display: str | None = None) -> tuple[TestFile | None, YamlDocument, list[SpecError]]:
    """The parsed file, its YAML document (for lines) and every located error."""
    doc = load_yaml(path, display)
    errors = list(doc.errors)
    if doc.errors or doc.data is None:
        return None, doc, errors
    if not isinstance(doc.data, dict):
        errors.append(SpecError(doc.file, 1, "(file)", "expected a mapping with `version` and `tests`"))
        return None, doc, errors
    if "version" not in doc.data:
        errors.append(SpecError(doc.file, 1, "version", "missing 'version: vigil/v1' (the test format version)"))
        return None, doc, errors
    try:
        return TestFile.model_validate(doc.data), doc, errors
    except ValidationError as exc:
        errors.extend(translate(exc, TestFile, doc))
        return None, doc, errors


def default_test_files(root: Path) -> list[Path]:
    """``alarms/tests/*.yaml`` (and ``.yml``) under the project root, sorted."""
    folder = root / TESTS_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
