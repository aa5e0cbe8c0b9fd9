"""Alarm test coverage: every enabled alarm and SLO should have a case in ``alarms/tests/*.yaml`` (a warning).

An alarm nobody has tested may never fire, or page every night; ``vigil test`` runs the cases with CloudWatch's
own evaluation semantics. An SLO counts as tested when a case names one of its burn-rate alarms.
"""

from __future__ import annotations

from typing import Any

from vigil.spec.rules.context import Context
from vigil.spec.slo import expand_slo
from vigil.spec.yaml_source import load_yaml

TESTS_DIR = ("alarms", "tests")


def tested_alarm_names(ctx: Context) -> set[str]:
    """Alarm names that appear in an ``expect`` of any test file (files that fail to parse count for nothing)."""
    folder = ctx.root.joinpath(*TESTS_DIR)
    names: set[str] = set()
    if not folder.is_dir():
        return names
    for path in sorted(folder.iterdir()):
        if path.suffix not in (".yaml", ".yml") or not path.is_file():
            continue
        data: Any = load_yaml(path).data
        tests = data.get("tests") if isinstance(data, dict) else None
        for case in tests if isinstance(tests, list) else []:
            expects = case.get("expect") if isinstance(case, dict) else None
            for expect in expects if isinstance(expects, list) else []:
                if isinstance(expect, dict) and isinstance(expect.get("alarm"), str):
                    names.add(expect["alarm"])
    return names


def check_coverage(ctx: Context) -> None:
    """Warn about each enabled alarm and SLO that no test case names."""
    tested = tested_alarm_names(ctx)
    hint = "add a case that fires and one that stays quiet in alarms/tests/ and run `vigil test`"
    for name, alarm in sorted(ctx.project.alarms.items()):
        if alarm.enabled and name not in tested:
            ctx.report(("alarm", name, ()), f"alarm '{name}' has no test: {hint}", "warning")
    for name, slo in sorted(ctx.project.slos.items()):
        burns = expand_slo(name, slo)
        covered = {name} | {n for b in burns for n in (b.name, b.short_name, b.long_name)}
        if slo.enabled and not covered & tested:
            ctx.report(("slo", name, ()), f"SLO '{name}' has no test of its burn-rate alarms: {hint}", "warning")
