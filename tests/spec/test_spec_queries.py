"""The Logs Insights query check of ``vigil check``: every class of bad query fails at its file and line, the
shipped queries pass, and the reader never crashes on any text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from project_copy import check_errors, copy_shipped, edit

from vigil.emf.log_schema import LEVELS, PATHS, SYSTEM_FIELDS
from vigil.spec import load_project
from vigil.spec.logs_query import parse_query
from vigil.spec.rules.queries import Vocabulary, markdown_queries, query_problems

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """A copy of the shipped project that a test may break."""
    return copy_shipped(tmp_path)


def _errors(project: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    return check_errors(project, capsys, "prod")


def test_shipped_queries_pass() -> None:
    result = load_project(ROOT, stack="prod")
    assert not [e for e in result.errors if "query" in e.field], result.errors


def test_unknown_field_in_a_saved_query_is_located(shipped: Path, capsys: pytest.CaptureFixture[str]) -> None:
    worker = shipped / "metrics" / "worker.yaml"
    line = edit(
        worker, "        | sort cost_usd desc", "        | sort cost_usd desc\n        | filter context.jobId = 'x'"
    )
    (error,) = _errors(shipped, capsys)
    assert (error["file"], error["line"]) == ("metrics/worker.yaml", line + 1)
    assert error["field"] == "log_group.queries.token-usage-by-model.query"
    assert "reads 'context.jobId'" in str(error["message"])
    assert "did you mean 'context.job_id'" in str(error["message"])


def test_literal_of_the_wrong_case_in_a_dashboard_widget_is_located(
    shipped: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    board = shipped / "dashboards" / "jobs-and-agents.yaml"
    line = edit(board, 'sum(strcontains(level, "ERROR")) as errors', 'sum(strcontains(level, "error")) as errors')
    (error,) = _errors(shipped, capsys)
    assert (error["file"], error["line"]) == ("dashboards/jobs-and-agents.yaml", line)
    assert "level strcontains 'error' can never match" in str(error["message"])


def test_undeclared_dimension_value_is_an_error(shipped: Path, capsys: pytest.CaptureFixture[str]) -> None:
    worker = shipped / "metrics" / "worker.yaml"
    line = edit(
        worker, "filter ispresent(`llm.tokens.input`)", 'filter ispresent(`llm.tokens.input`) and Mode = "Genius"'
    )
    (error,) = _errors(shipped, capsys)
    assert (error["file"], error["line"]) == ("metrics/worker.yaml", line)
    assert "Mode = 'Genius' can never match: Mode is one of mechanic, genius" in str(error["message"])


def test_runbook_fenced_query_is_located_in_the_markdown(shipped: Path, capsys: pytest.CaptureFixture[str]) -> None:
    runbook = shipped / "alarms" / "runbooks" / "worker-down.md"
    line = edit(runbook, 'filter level in ["ERROR", "CRITICAL"]', 'filter level in ["error", "fatal"]')
    (error,) = _errors(shipped, capsys)
    assert (error["file"], error["line"]) == ("alarms/runbooks/worker-down.md", line)
    assert "level in 'error', 'fatal' can never match" in str(error["message"])


def test_runbook_inline_query_is_checked(shipped: Path, capsys: pytest.CaptureFixture[str]) -> None:
    runbook = shipped / "alarms" / "runbooks" / "ai-cost.md"
    line = edit(runbook, "by job_id | sort usd desc", "by context.exception | sort usd desc")
    (error,) = _errors(shipped, capsys)
    assert (error["file"], error["line"]) == ("alarms/runbooks/ai-cost.md", line)
    assert "reads 'context.exception'" in str(error["message"])


def test_unreadable_query_is_an_error(shipped: Path, capsys: pytest.CaptureFixture[str]) -> None:
    worker = shipped / "metrics" / "worker.yaml"
    line = edit(worker, "        | sort last_seen asc", "        | sortt last_seen asc")
    (error,) = _errors(shipped, capsys)
    assert (error["file"], error["line"]) == ("metrics/worker.yaml", line)
    assert "unknown command 'sortt'" in str(error["message"])


def test_names_the_query_defines_are_not_fields() -> None:
    vocab = Vocabulary.of([])
    query = "parse @message /took (?<took_ms>\\d+) ms/ | stats avg(took_ms) as avg_ms by bin(5m) | sort avg_ms desc"
    assert query_problems(query, vocab) == []
    assert query_problems("fields level as lvl | filter lvl2 = 'x'", vocab)[0][1].startswith("reads 'lvl2'")


def test_markdown_queries_skip_other_code() -> None:
    text = "```sql\nSELECT * FROM jobs\n```\n`kubectl get pods` and `filter` alone\n```logs-insights\nfields a\n| limit 1\n```"
    assert markdown_queries(text) == [(6, "fields a\n| limit 1")]


_NAMES = sorted(PATHS | SYSTEM_FIELDS)
_field = st.sampled_from(_NAMES)
_literal = st.text(alphabet="abcdefghijklmnopqrstuvwxyzERROR_ 5.-", max_size=10).map(lambda t: f'"{t}"')
_clause = st.one_of(
    st.builds(lambda f: f"fields {f}", _field),
    st.builds(lambda f, v: f"filter {f} = {v}", _field, _literal),
    st.builds(lambda f, v: f"filter {f} like /{v[1:-1]}/", _field, _literal),
    st.builds(lambda f, g: f"stats count(*) as n by {f}, {g}", _field, _field),
    st.builds(lambda f: f"sort {f} desc", _field),
    st.builds(lambda f: f"parse {f} 'x * y' as p1, p2", _field),
    st.integers(1, 10000).map(lambda n: f"limit {n}"),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_clause, min_size=1, max_size=6))
def test_generated_queries_read_only_their_fields(clauses: list[str]) -> None:
    query = " | ".join(clauses)
    parsed = parse_query(query)
    assert parsed.problems == ()
    assert {r.name for r in parsed.reads} <= set(_NAMES)
    assert [p for p in query_problems(query, Vocabulary.of([])) if "reads" in p[1]] == []


@settings(max_examples=300, deadline=None)
@given(
    st.text(max_size=120)
    | st.lists(
        st.sampled_from(['"', "`", "/", "|", "(", ")", "[", "]", "as", "in", "=", "x", "\n", "filter ", "parse "])
    ).map("".join)
)
def test_reader_never_crashes(text: str) -> None:
    parsed = parse_query(text)
    for read in parsed.reads:
        assert 0 <= parsed.line_of(read.offset) <= text.count("\n")
    query_problems(text, Vocabulary.of([]))


def test_every_level_is_a_value_the_check_accepts() -> None:
    vocab = Vocabulary.of([])
    for level in LEVELS:
        assert query_problems(f'filter level = "{level}"', vocab) == []


def test_metric_filter_pattern_with_a_value_no_line_holds(shipped: Path, capsys: pytest.CaptureFixture[str]) -> None:
    worker = shipped / "metrics" / "worker.yaml"
    line = edit(
        worker, """pattern: '{ $.level = "ERROR" || $.level = "CRITICAL" }'""", """pattern: '{ $.level = "error" }'"""
    )
    errors = [e for e in _errors(shipped, capsys) if "pattern" in str(e["field"])]
    assert [(e["file"], e["line"]) for e in errors] == [("metrics/worker.yaml", line)]
    assert "$.level = 'error' can never match" in str(errors[0]["message"])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["```", "```logs-insights", "~~~", "`filter x`", "`fields a | limit 1`", "text", ""]),
        max_size=12,
    )
)
def test_markdown_reader_never_crashes_and_lines_exist(lines: list[str]) -> None:
    text = "\n".join(lines)
    for line, query in markdown_queries(text):
        assert 1 <= line <= max(len(lines), 1)
        assert query.strip()
