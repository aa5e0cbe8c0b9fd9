"""``vigil drill`` as a user runs it: a small drill of the shipped catalog, the JSON contract, exit codes, located
errors in traffic and drill files."""

from __future__ import annotations

import contextlib
import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from vigil.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
SMALL = ["--project", str(ROOT), "--days", "1", "--seed", "5"]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["drill", *argv])
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, Any], str, Path]:
    """Two incidents of each of three classes and one normal day on the prod stack (seconds)."""
    html = tmp_path_factory.mktemp("drill") / "report.html"
    code, out, err = run(
        *SMALL,
        "--class", "api-down", "workers-dead", "token-spike",
        "--incidents", "6", "--normal-days", "1", "--format", "json", "--html", str(html), "--check",
    )  # fmt: skip
    return code, json.loads(out), err, html


def test_small_drill_of_the_shipped_catalog(small: tuple[int, dict[str, Any], str, Path]) -> None:
    code, report, err, html = small
    rows = {c["name"]: c for c in report["classes"]}
    assert set(rows) == {"api-down", "workers-dead", "token-spike"}
    assert rows["api-down"]["incidents"] == 2
    assert rows["api-down"]["recall"] == 1.0
    assert rows["workers-dead"]["recall"] == 1.0
    assert rows["token-spike"]["recall"] is None
    assert rows["token-spike"]["deadline_s"] is None
    assert "vigil drill: incident 1/6" in err  # progress on stderr
    assert html.read_text().startswith("<!doctype html>")
    assert "api-down" in html.read_text()
    # each incident's first page names the child alarm behind the composite, as the JSON does
    first = next(i["first_page"] for i in report["incidents"] if i["class"] == "api-down")
    assert f"{first['alarm']} (P1) after" in html.read_text()
    assert f"because {', '.join(first['because'])}" in html.read_text()
    assert code == (0 if report["met"] else 1)


def test_json_contract(small: tuple[int, dict[str, Any], str, Path]) -> None:
    _, report, _, _ = small
    assert report["schema"] == "vigil-drill/v1"
    assert set(report) == {
        "schema",
        "stack",
        "seeds",
        "targets",
        "classes",
        "normal_days",
        "incidents",
        "not_drilled",
        "met",
    }
    assert report["stack"] == "prod"
    assert report["seeds"] == [5]
    assert set(report["targets"]) == {"recall", "pages_per_incident", "false_pages_per_day"}
    for row in report["classes"]:
        assert set(row) == {
            "name", "severity", "deadline_s", "incidents", "paged_in_deadline", "paged", "recall", "median_s", "p90_s",
            "pages", "pages_per_incident", "met",
        }  # fmt: skip
    assert set(report["normal_days"]) == {"days", "false_pages", "false_pages_per_day", "pages"}
    for page in report["normal_days"]["pages"]:
        assert set(page) == {"alarm", "severity", "time", "day", "seed", "noise", "because"}
        assert page["because"], "a page names the metric alarms in ALARM behind it"
    for incident in report["incidents"]:
        assert set(incident) == {"seed", "index", "class", "start", "end", "intensity", "where", "first_page", "pages"}
        if incident["first_page"] is not None:
            assert set(incident["first_page"]) == {"alarm", "severity", "time", "after_s", "because"}
            # the composite's children in ALARM at the page: metric alarms of the stack, never the composite itself
            assert incident["first_page"]["because"], incident
            assert (
                incident["first_page"]["alarm"] not in incident["first_page"]["because"]
                or len(incident["first_page"]["because"]) == 1
            )
    assert all(reason.startswith("not drilled: ") for reason in report["not_drilled"].values())


def test_deterministic_for_a_seed(small: tuple[int, dict[str, Any], str, Path]) -> None:
    _, report, _, _ = small
    code, out, _ = run(
        *SMALL, "--class", "api-down", "workers-dead", "token-spike", "--incidents", "6", "--normal-days", "1",
        "--format", "json",
    )  # fmt: skip
    assert code == 0
    assert json.loads(out) == report


def test_check_fails_on_a_missed_target(tmp_path: Path) -> None:
    """A P1 class no alarm can see (1 % more WebSocket messages) misses its target: --check exits 1, without
    --check the drill still exits 0; the same file with the class at P4 (must not page) meets it."""
    faults = tmp_path / "faults.yaml"
    text = (
        "version: vigil/v1\nclasses:\n  invisible:\n    severity: P1\n    duration: [10m, 20m]\n"
        "    effects:\n      - {signal: ws-messages, scale: 1.01}\n"
    )
    faults.write_text(text)
    args = [*SMALL, "--faults", str(faults), "--incidents", "1", "--normal-days", "0"]
    code, out, _ = run(*args, "--check")
    assert code == 1
    assert "invisible" in out
    assert "MISSED" in out
    # the incident behind the miss is listed: class, seed, index, start, intensity, and that it never paged
    assert re.search(r"^  invisible seed 5 #0: 2026-\S+Z, intensity \d\.\d\d: never paged, 0 page\(s\)$", out, re.M), (
        out
    )
    assert run(*args)[0] == 0
    faults.write_text(text.replace("severity: P1", "severity: P4"))
    assert run(*args, "--check")[0] == 0


def _copy_drill_files(tmp_path: Path) -> tuple[Path, Path]:
    traffic, faults = tmp_path / "traffic.yaml", tmp_path / "faults.yaml"
    shutil.copy(ROOT / "alarms/drill/traffic.yaml", traffic)
    shutil.copy(ROOT / "alarms/drill/faults.yaml", faults)
    return traffic, faults


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


@pytest.mark.parametrize(
    ("which", "old", "new", "where", "message"),
    [
        ("traffic", "    of: api-requests\n    where:", "    of: api-request\n    where:", "of: api-request",
         "signals.api-errors.of: unknown signal 'api-request'"),
        ("traffic", "    per_minute: 400", "    per_minute: -4", "per_minute: -4",
         "signals.api-requests.per_minute: Input should be greater than or equal to 0"),
        ("traffic", "  api-latency:\n    kind: samples", "  api-latency:\n    kind: sample", "  api-latency:",
         "signals.api-latency: unknown kind 'sample' (did you mean 'samples'?)"),
        ("traffic", "    metric: http.request.duration", "    metric: http.request.durations", "http.request.durations",
         "signals.api-latency.metric: Vigil/API declares no metric 'http.request.durations' (did you mean "
         "'http.request.duration'?)"),
        ("traffic", "      EndpointGroup: {sessions", "      EndpointGroups: {sessions", "EndpointGroups:",
         "signals.api-requests.mix.EndpointGroups: Vigil/API declares no dimension 'EndpointGroups'"),
        ("faults", "{signal: api-latency, scale: 40}", "{signal: api-latenc, scale: 40}", "api-latenc,",
         "classes.api-slow.effects[0].signal: unknown signal 'api-latenc'"),
        ("faults", "{signal: jobs-failed, rate: 0.6}", "{signal: jobs-failed, scale: 0.6}", "jobs-failed, scale",
         "classes.jobs-failing.effects[0].scale: a fraction signal ('jobs-failed') accepts rate, absent, not scale"),
        ("faults", "    duration: [10m, 45m]\n    effects:\n      - {signal: api-requests, share",
         "    duration: [10, 45m]\n    effects:\n      - {signal: api-requests, share", "duration: [10, 45m]",
         "classes.api-errors.duration[0]: duration 10 needs a unit"),
        ("faults", "one_of: {EndpointGroup: [sessions,", "one_of: {EndpointGrop: [sessions,", "EndpointGrop",
         "classes.api-group-errors.effects[0].one_of.EndpointGrop: EndpointGrop is not a mix dimension"),
    ],
)  # fmt: skip
def test_located_errors_exit_2(tmp_path: Path, which: str, old: str, new: str, where: str, message: str) -> None:
    traffic, faults = _copy_drill_files(tmp_path)
    path = traffic if which == "traffic" else faults
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    code, out, err = run("--project", str(ROOT), "--traffic", str(traffic), "--faults", str(faults))
    assert code == 2
    assert out == ""
    line = _line_of(path, where)
    assert f"{path}:{line}: {message}" in err, err


def test_unknown_class_and_bad_counts_exit_2() -> None:
    code, _, err = run(*SMALL, "--class", "no-such-class")
    assert code == 2
    assert "--class no-such-class: no such class; known: api-crash-loop" in err
    code, _, err = run(*SMALL, "--incidents", "-1")
    assert code == 2
    assert "--incidents" in err


def test_recorded_logs_are_the_base(tmp_path: Path) -> None:
    """Faults injected into recorded EMF logs (the scenario library's, written through vigil.emf): an absent API
    pages; the recording's own alarms that read AWS metrics are listed as not drilled."""
    from examples.scenarios.generate import generate

    (log,) = generate(tmp_path, ["api-5xx-burst"])
    code, out, err = run(
        "--project", str(ROOT), "--logs", str(log), "--class", "api-down", "--incidents", "2", "--normal-days", "0",
        "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    report = json.loads(out)
    (row,) = report["classes"]
    assert row["name"] == "api-down"
    assert row["recall"] == 1.0
    assert "vigil-prod-api-unreachable" in report["not_drilled"]  # Route 53 is not in the logs
    assert "read " in err
    assert " log events" in err
    code, _, err = run("--project", str(ROOT), "--logs", str(log), "--normal-days", "3")
    assert code == 2
    assert "the recording holds 0 whole day(s)" in err
    code, _, err = run("--project", str(ROOT), "--logs", str(log), "--since", "3d")
    assert code == 2
    assert "--since only applies to --from-cloudwatch" in err
