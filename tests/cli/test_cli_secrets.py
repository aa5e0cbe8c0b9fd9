"""The missing-secret warning: true (Pulumi keeps secure: values in the stack file), names the stack, once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vigil.cli.main import main

GOOD = Path(__file__).resolve().parents[2] / "tests" / "spec" / "good" / "minimal"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "p"
    shutil.copytree(GOOD, root)
    stack = root / "stacks" / "Pulumi.dev.yaml"
    text = stack.read_text()
    start = text.index("  vigil:chat_webhook:")
    end = text.index("  vigil:overrides:")
    stack.write_text(text[:start] + text[end:])  # chat_webhook no longer set; pagerduty_key still secure:
    routing = root / "alarms" / "routing.yaml"
    routing.write_text(
        routing.read_text().replace(
            "      - {kind: email, endpoint: {config: oncall_email}}\n  P4:",
            "      - {kind: email, endpoint: {config: oncall_email}}\n      - {kind: webhook, endpoint: {secret: chat_webhook}}\n  P4:",
        )
    )
    return root


def test_one_warning_per_missing_secret_naming_the_stack_and_file(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(project), "--stack", "dev"]) == 0
    warnings = [line for line in capsys.readouterr().out.splitlines() if "secret" in line]
    assert len(warnings) == 1, warnings  # chat_webhook is referenced by P2 and P3: still one warning
    (warning,) = warnings
    assert warning.startswith("alarms/routing.yaml:")
    assert "stack 'dev': secret 'vigil:chat_webhook' is not set in stacks/Pulumi.dev.yaml" in warning
    assert "pulumi config set --secret vigil:chat_webhook <value> --stack dev" in warning
    assert "secure:" in warning
    assert "never are" not in warning


def test_a_secure_value_in_the_stack_file_counts_as_set(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(GOOD), "--stack", "dev"]) == 0
    assert "secret" not in capsys.readouterr().out


def test_cost_leaves_warnings_to_check(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cost", str(project), "--stack", "dev"]) == 0
    assert "warning" not in capsys.readouterr().err
