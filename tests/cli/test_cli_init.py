"""``vigil init``: a new project passes check, test and preview as created, and its tests guard its alarms."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vigil.cli.main import main
from vigil.init import InitError, create_project, plan_project
from vigil.spec import load_project


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("init") / "shop-monitoring"
    assert main(["init", str(root), "--service", "api", "--service", "worker"]) == 0
    return root


def test_layout(shop: Path) -> None:
    files = {str(p.relative_to(shop)) for p in shop.rglob("*") if p.is_file()}
    for expected in (
        "Pulumi.yaml",
        "stacks/__main__.py",
        "stacks/Pulumi.dev.yaml",
        "stacks/Pulumi.prod.yaml",
        "metrics/api.yaml",
        "metrics/worker.yaml",
        "alarms/api.yaml",
        "alarms/routing.yaml",
        "alarms/tests/api.yaml",
        "alarms/tests/worker.yaml",
        "alarms/runbooks/api-error-rate.md",
        "dashboards/worker.yaml",
        "schemas/alarms.schema.json",
        ".gitignore",
        ".github/workflows/vigil.yml",
        "requirements.txt",
        "README.md",
    ):
        assert expected in files
    assert not [f for f in files if "{{" in (shop / f).read_text() or "__service__" in f]
    assert "from vigil.components.program import build" in (shop / "stacks" / "__main__.py").read_text()
    assert yaml.safe_load((shop / "Pulumi.yaml").read_text())["name"] == "shop-monitoring"
    assert "namespace: ShopMonitoring/Api" in (shop / "metrics" / "api.yaml").read_text()


def test_check_is_clean_without_warnings(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(shop)]) == 0
    assert capsys.readouterr().out.strip() == "vigil check ok: 0 error(s), 0 warning(s) (stacks: dev, prod)"


def test_schemas_are_current(shop: Path) -> None:
    assert main(["schema", "--check", "--project", str(shop)]) == 0


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_preview_runs_the_generated_program(shop: Path, stack: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", str(shop), "--stack", stack, "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    counts = result["counts"]
    assert counts["aws:cloudwatch/metricAlarm:MetricAlarm"] >= 2 * 2
    assert counts["aws:cloudwatch/dashboard:Dashboard"] == 2
    assert counts["aws:sns/topic:Topic"] == 3
    assert result["monthly_usd"] > 0
    names = {r["name"] for r in result["resources"]}
    assert any("api-error-rate" in n for n in names)


def test_generated_tests_pass(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", "--project", str(shop)]) == 0
    out = capsys.readouterr().out
    assert "vigil test ok: 12 passed, 0 failed" in out


@pytest.mark.parametrize(
    ("alarm", "old", "new"),
    [("error-rate", "threshold: 5\n", "threshold: 50\n"), ("latency", "threshold: 1000\n", "threshold: 100\n")],
)
def test_generated_tests_catch_a_broken_threshold(
    shop: Path, tmp_path: Path, alarm: str, old: str, new: str, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "p"
    assert main(["init", str(project)]) == 0
    spec = project / "alarms" / "api.yaml"
    spec.write_text(spec.read_text().replace(old, new, 1))
    if alarm == "latency":  # the dev stack overrides the latency threshold: break the override instead
        stack = project / "stacks" / "Pulumi.dev.yaml"
        stack.write_text(stack.read_text().replace("{threshold: 2000}", "{threshold: 200}"))
    capsys.readouterr()
    assert main(["test", "--project", str(project)]) == 1
    assert "FAIL" in capsys.readouterr().out


def test_refuses_a_non_empty_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    assert main(["init", str(tmp_path)]) == 2
    assert "is not an empty directory; vigil init never overwrites files" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--service", "API"], "--service 'API': use lowercase letters"),
        (["--service", "1st"], "--service '1st'"),
        (["--prefix", "AWS"], "--prefix 'AWS'"),
        (["--prefix", "My/Ns"], "--prefix 'My/Ns'"),
    ],
)
def test_bad_names_are_usage_errors_and_write_nothing(
    tmp_path: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "p"
    assert main(["init", str(target), *args]) == 2
    assert message in capsys.readouterr().err
    assert not target.exists()


def test_project_name_from_an_unusable_directory_name_asks_for_name(tmp_path: Path) -> None:
    with pytest.raises(InitError, match="pass --name"):
        plan_project(tmp_path / "123", ["api"])
    assert plan_project(tmp_path / "123", ["api"], project="shop").project == "shop"


SERVICES = st.from_regex(re.compile(r"[a-z][a-z0-9-]{0,12}[a-z0-9]"), fullmatch=True).filter(lambda s: "--" not in s)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    services=st.lists(SERVICES, min_size=1, max_size=3, unique=True),
    prefix=st.from_regex(r"[A-Z][a-z]{0,8}", fullmatch=True),
)
def test_any_valid_service_names_give_a_clean_project(tmp_path: Path, services: list[str], prefix: str) -> None:
    root = tmp_path / f"p-{len(list(tmp_path.iterdir()))}"
    create_project(root, services, prefix=None if prefix == "Aws" else prefix)
    for stack in ("dev", "prod"):
        result = load_project(root, stack=stack)
        assert [str(e) for e in result.errors] == []


def test_generated_readme_snippet_emits_catalog_metrics(shop: Path) -> None:
    readme = (shop / "README.md").read_text()
    snippet = readme.split("```python\n", 1)[1].split("```", 1)[0]
    done = subprocess.run([sys.executable, "-c", snippet], cwd=shop, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["_aws"]["CloudWatchMetrics"][0]["Namespace"] for line in lines] == ["ShopMonitoring/Api"] * 2
    assert lines[0]["http.requests"] == 1


def test_init_in_the_current_empty_directory_names_the_project_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    here = tmp_path / "Payments Team"
    here.mkdir()
    monkeypatch.chdir(here)
    assert main(["init", ".", "--service", "ledger"]) == 0
    assert yaml.safe_load(Path("Pulumi.yaml").read_text())["name"] == "payments-team"
    assert "namespace: PaymentsTeam/Ledger" in Path("metrics/ledger.yaml").read_text()
    capsys.readouterr()
    assert main(["check"]) == 0
    assert "0 warning(s)" in capsys.readouterr().out
