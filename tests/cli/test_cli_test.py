"""``vigil test``: exit codes, located input errors, failure context, JSON, extra alarms, the notation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.cli.main import main
from vigil.spec.notation import NotationError, expand, parse_duration

ROOT = Path(__file__).resolve().parents[2]
METRIC = "{namespace: Vigil/API, metric: auth.login.failure, dimensions: {Service: api, Environment: prod}}"
ALARM = """
      doc-{mode}:
        kind: static
        severity: P3
        metric: {{namespace: Vigil/API, metric: auth.login.failure, dimensions: {{Service: api, Environment: "${{environment}}"}}}}
        threshold: 5
        period: 300
        evaluation_periods: 3
        datapoints_to_alarm: 3
        treat_missing_data: {mode}"""


def _file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text("version: vigil/v1\nstack: prod\ntests:\n" + body, encoding="utf-8")
    return path


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["test", "--project", str(ROOT), *args])
    return code, capsys.readouterr().out


def test_shipped_tests_pass(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys)
    assert code == 0
    assert out.splitlines()[-1].startswith("vigil test ok:")


def test_a_failing_case_exits_1_with_expected_got_and_datapoints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _file(
        tmp_path,
        f'  - name: wrong expectation\n    series:\n      - metric: {METRIC}\n        values: "1x4 10x2"\n'
        "    expect:\n      - {alarm: auth-login-failures, at: 6m, state: ALARM}\n",
    )
    code, out = _run(capsys, str(path))
    assert code == 1
    assert "auth-login-failures: expected ALARM at 6m, got OK" in out
    assert "datapoint 14 threshold 20  -> OK" in out  # what the alarm saw: 1+1+1+1+10 in its 5-minute period


@pytest.mark.parametrize(
    ("body", "where", "message"),
    [
        (
            f'  - name: n\n    series:\n      - metric: {METRIC}\n        values: "1x"\n    expect:\n'
            "      - {alarm: auth-login-failures, at: 6m, state: OK}\n",
            ":7: tests[0].series[0].values",
            "cannot read '1x'",
        ),
        (
            f'  - name: n\n    series:\n      - metric: {METRIC}\n        values: "1"\n    expect:\n'
            "      - {alarm: auth-login-failure, at: 6m, state: OK}\n",
            ":9: tests[0].expect[0].alarm",
            "did you mean 'auth-login-failures'",
        ),
        (
            f'  - name: n\n    series:\n      - metric: {METRIC}\n        values: "1"\n    expect:\n'
            "      - {alarm: auth-login-failures, at: 6, state: OK}\n",
            ":9: tests[0].expect[0].at",
            "needs a unit",
        ),
        (
            "  - name: n\n    series:\n      - metric: {namespace: Vigil/API, metric: auth.login.failure, dimensions: {Service: api}}\n"
            '        values: "1"\n    expect:\n      - {alarm: auth-login-failures, at: 6m, state: OK}\n',
            ":6: tests[0].series[0].metric",
            "no alarm under test reads",
        ),
    ],
    ids=["notation", "unknown-alarm", "duration-unit", "series-nobody-reads"],
)
def test_bad_input_exits_2_located(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, where: str, message: str
) -> None:
    path = _file(tmp_path, body)
    code, out = _run(capsys, str(path))
    assert code == 2
    line = next(x for x in out.splitlines() if where in x)
    assert message in line


def test_extra_alarms_reproduce_the_guides_missing_data_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # User guide, missing-data table 1 (3 of 3), row "- - X - -": missing -> ALARM, ignore -> retain the state.
    alarms = "".join(ALARM.format(mode=m) for m in ("missing", "ignore", "breaching", "notBreaching"))
    body = (
        f'  - name: table 1\n    interval: 5m\n    series:\n      - metric: {METRIC}\n        values: "_ _ 9 _ _"\n'
        f"    alarms:{alarms}\n    expect:\n"
        "      - {alarm: doc-missing, at: 25m, state: ALARM}\n"
        "      - {alarm: doc-ignore, at: 25m, state: INSUFFICIENT_DATA}\n"
        "      - {alarm: doc-breaching, at: 25m, state: ALARM}\n"
        "      - {alarm: doc-notBreaching, at: 25m, state: OK}\n"
    )
    body = body.replace("doc-notBreaching", "doc-notbreaching")
    code, out = _run(capsys, str(_file(tmp_path, body)))
    assert code == 0, out


def test_extra_alarm_errors_are_located_in_the_test_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    alarms = ALARM.format(mode="missing").replace("period: 300", "period: 45")
    body = (
        f'  - name: bad alarm\n    series:\n      - metric: {METRIC}\n        values: "1"\n    alarms:{alarms}\n'
        "    expect:\n      - {alarm: doc-missing, at: 5m, state: OK}\n"
    )
    code, out = _run(capsys, str(_file(tmp_path, body)))
    assert code == 2
    assert "tests[0].alarms.doc-missing.period: period 45 s is invalid" in out


def test_json_format(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _run(capsys, "--format", "json", str(ROOT / "alarms" / "tests" / "llm.yaml"))
    data = json.loads(out)
    assert code == 0
    assert data["failed"] == 0
    assert data["passed"] == len(data["tests"])
    assert {"file", "line", "name", "stack", "passed", "failures", "notes"} <= set(data["tests"][0])


def test_outside_a_project_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", "--project", str(tmp_path)]) == 2


@given(st.lists(st.tuples(st.integers(-50, 50), st.integers(-5, 5), st.integers(0, 30)), min_size=1, max_size=6))
def test_expanding_notation_gives_n_plus_one_values_per_token(tokens: list[tuple[int, int, int]]) -> None:
    text = " ".join(f"{a}{'+' if b >= 0 else '-'}{abs(b)}x{n}" for a, b, n in tokens)
    samples = expand(text)
    assert len(samples) == sum(n + 1 for _, _, n in tokens)
    first_a, first_b, _ = tokens[0]
    assert samples[0] == [float(first_a)]
    if tokens[0][2] >= 1:
        assert samples[1] == [float(first_a + first_b)]


@pytest.mark.parametrize("bad", ["x3", "1+x3", "[1, a]", "nan", "1e999"])
def test_unreadable_tokens_say_what_is_accepted(bad: str) -> None:
    with pytest.raises(NotationError):
        expand(bad)


def test_durations() -> None:
    assert parse_duration("1h30m") == 5400
    with pytest.raises(NotationError):
        parse_duration("90")
