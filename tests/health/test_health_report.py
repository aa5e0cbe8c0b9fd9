from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import jsonschema
import pytest

from vigil.health import CheckResult, HealthReport, Status, aggregate


def result(name: str, status: Status, *, critical: bool = True, output: str = "", component: str = "") -> CheckResult:
    return CheckResult(
        name=name,
        component=component or name,
        measurement="responseTime",
        component_type="datastore",
        critical=critical,
        status=status,
        observed_value=12.5,
        observed_unit="ms",
        output=output,
        time=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        duration_ms=12.5,
    )


def test_aggregate() -> None:
    assert aggregate([result("a", Status.PASS)]) is Status.PASS
    assert aggregate([result("a", Status.PASS), result("b", Status.WARN)]) is Status.WARN
    assert aggregate([result("a", Status.FAIL, critical=False)]) is Status.WARN
    assert aggregate([result("a", Status.WARN), result("b", Status.FAIL)]) is Status.FAIL


def test_document_groups_by_component_measurement_and_omits_pass_output(health_schema: dict[str, Any]) -> None:
    report = HealthReport(
        Status.FAIL,
        (
            result("primary", Status.PASS, output="ignored", component="db"),
            result("replica", Status.FAIL, output="ConnectionRefusedError", component="db"),
        ),
        service_id="api",
        version="1.2.3",
        description="agent API",
    )
    doc = report.to_document(details=True)
    jsonschema.validate(doc, health_schema)
    assert doc["serviceId"] == "api"
    assert doc["version"] == "1.2.3"
    entries = doc["checks"]["db:responseTime"]
    assert [e["componentId"] for e in entries] == ["primary", "replica"]
    assert "output" not in entries[0]
    assert entries[1]["output"] == "ConnectionRefusedError"
    assert entries[1]["time"] == "2026-01-02T03:04:05Z"
    assert "releaseId" not in doc  # empty fields are left out


def test_bare_document_leaks_nothing(health_schema: dict[str, Any]) -> None:
    report = HealthReport(Status.FAIL, (result("db", Status.FAIL, output="password=hunter2"),), service_id="api")
    doc = report.to_document(details=False)
    jsonschema.validate(doc, health_schema)
    assert doc == {"status": "fail"}


@pytest.mark.parametrize("bad", [{"status": "ok"}, {"status": "pass", "checks": {"a:b:c": [{"status": "pass"}]}}])
def test_schema_rejects_documents_outside_the_draft(bad: dict[str, Any], health_schema: dict[str, Any]) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, health_schema)
