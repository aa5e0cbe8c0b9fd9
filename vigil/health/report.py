"""Aggregate check results into a probe verdict and render it as ``application/health+json``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from vigil.health.types import CheckEntry, CheckResult, HealthDocument, Status

MEDIA_TYPE = "application/health+json"


def aggregate(results: Sequence[CheckResult]) -> Status:
    """Overall status: any failing critical check fails; any other failure or warning warns.

    >>> aggregate([])
    <Status.PASS: 'pass'>
    """
    status = Status.PASS
    for result in results:
        if result.status is Status.FAIL and result.critical:
            return Status.FAIL
        if result.status is not Status.PASS:
            status = Status.WARN
    return status


def http_status(status: Status) -> int:
    """HTTP status code for a verdict: 200 for pass and warn, 503 for fail.

    >>> http_status(Status.FAIL)
    503
    """
    return 503 if status is Status.FAIL else 200


@dataclass(frozen=True)
class HealthReport:
    """The outcome of one probe: its verdict, each check's result, and who the service is.

    >>> HealthReport(Status.PASS, ()).to_document(details=False)
    {'status': 'pass'}
    """

    status: Status
    results: tuple[CheckResult, ...]
    service_id: str = ""
    version: str = ""
    release_id: str = ""
    description: str = ""

    @property
    def http_status(self) -> int:
        """200 for pass and warn, 503 for fail."""
        return http_status(self.status)

    def failing(self) -> tuple[CheckResult, ...]:
        """Results whose status is not ``pass``, critical first."""
        bad = [r for r in self.results if r.status is not Status.PASS]
        return tuple(sorted(bad, key=lambda r: (not r.critical, r.name)))

    def to_document(self, *, details: bool) -> HealthDocument:
        """The health+json body; with ``details=False`` only ``{"status": ...}`` (no internals leak)."""
        doc: HealthDocument = {"status": self.status.value}
        if not details:
            return doc
        for key, value in (
            ("version", self.version),
            ("releaseId", self.release_id),
            ("serviceId", self.service_id),
            ("description", self.description),
        ):
            if value:
                doc[key] = value  # type: ignore[literal-required]
        checks: dict[str, list[CheckEntry]] = {}
        for result in sorted(self.results, key=lambda r: (r.key, r.name)):
            checks.setdefault(result.key, []).append(_entry(result))
        doc["checks"] = checks
        return doc


def _entry(result: CheckResult) -> CheckEntry:
    entry: CheckEntry = {
        "componentId": result.name,
        "componentType": result.component_type,
        "observedValue": result.observed_value,
        "status": result.status.value,
        "time": result.time.isoformat().replace("+00:00", "Z"),
    }
    if result.observed_unit:
        entry["observedUnit"] = result.observed_unit
    if result.output and result.status is not Status.PASS:  # the draft: output SHOULD be omitted for pass
        entry["output"] = result.output
    return entry
