"""The report as a user sees it: deterministic order, totals by kind, per-resource view, JSON, text, budget."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from vigil.cost import KINDS, check_budget, estimate_project, render_text
from vigil.spec.models import Project

ProjectFactory = Callable[..., Project]
AlarmFactory = Callable[..., dict[str, Any]]
WIDGETS = [{"type": "text", "markdown": "x"}]


def _fields(make_namespace: Callable[..., Any], make_static: AlarmFactory, names: list[str]) -> dict[str, Any]:
    return {
        "namespaces": {"Vigil/API": make_namespace(log_group={"name": "/vigil/api", "ingestion_gb_per_month": 10})},
        "alarms": {n: make_static() for n in names},
        "dashboards": {f"dash-{n}": {"widgets": WIDGETS} for n in names},
    }


def test_report_order_does_not_depend_on_declaration_order(
    make_namespace: Callable[..., Any], make_static: AlarmFactory, make_project: ProjectFactory
) -> None:
    names = ["zeta", "alpha", "mu", "beta", "omega"]
    forward = estimate_project(make_project(**_fields(make_namespace, make_static, names)))
    backward = estimate_project(make_project(**_fields(make_namespace, make_static, names[::-1])))
    assert forward == backward
    kinds = [i.kind for i in forward.line_items]
    assert kinds == sorted(kinds, key=KINDS.index)
    assert [i.name for i in forward.line_items if i.kind == "alarm"] == sorted(f"vigil-dev-{n}" for n in names)


def test_first_three_dashboards_by_name_are_free(make_project: ProjectFactory) -> None:
    report = estimate_project(make_project(dashboards={f"d{i}": {"widgets": WIDGETS} for i in range(5)}))
    free, paid = ("vigil-dev-d0", "vigil-dev-d1", "vigil-dev-d2"), ("vigil-dev-d3", "vigil-dev-d4")
    assert report.by_resource() == {**dict.fromkeys(free, 0.0), **dict.fromkeys(paid, 3.0)}
    assert report.totals == {"metrics": 0.0, "alarm": 0.0, "dashboard": 6.0, "logs": 0.0}


def test_dashboards_carry_the_stack_prefix(make_project: ProjectFactory) -> None:
    project = make_project(stack={"dashboard_prefix": "dev-"}, dashboards={"overview": {"widgets": WIDGETS}})
    assert estimate_project(project).by_resource() == {"dev-overview": 0.0}


def test_totals_by_resource_and_grand_total_agree(
    make_namespace: Callable[..., Any], make_static: AlarmFactory, make_project: ProjectFactory
) -> None:
    report = estimate_project(make_project(**_fields(make_namespace, make_static, [f"a{i}" for i in range(6)])))
    assert math.isclose(sum(report.totals.values()), report.total_usd)
    assert math.isclose(sum(report.by_resource().values()), report.total_usd)
    assert report.top_drivers(1) == [("/vigil/dev/api", report.by_resource()["/vigil/dev/api"])]


def test_json_form_is_deterministic_and_complete(
    make_namespace: Callable[..., Any], make_static: AlarmFactory, make_project: ProjectFactory
) -> None:
    project = make_project(stack={"budget_usd": 50}, **_fields(make_namespace, make_static, ["a", "b"]))
    data = estimate_project(project).to_dict()
    text = json.dumps(data, sort_keys=True)
    assert text == json.dumps(estimate_project(project).to_dict(), sort_keys=True)
    assert (data["stack"], data["budget_usd"], data["prices_source"]) == (
        "dev",
        50,
        "https://aws.amazon.com/cloudwatch/pricing/",
    )
    assert set(data["totals"]) == set(KINDS)
    assert {i["name"] for i in data["line_items"]} >= {
        "vigil-dev-a",
        "vigil-dev-b",
        "/vigil/dev/api",
        "Vigil/API:http.requests",
    }
    assert any("Logs Insights" in a for a in data["assumptions"])


def test_text_shows_kinds_total_budget_and_drivers(
    make_namespace: Callable[..., Any], make_static: AlarmFactory, make_project: ProjectFactory
) -> None:
    project = make_project(stack={"budget_usd": 1}, **_fields(make_namespace, make_static, ["a"]))
    text = render_text(estimate_project(project))
    assert "stack dev" in text
    for word in (*KINDS, "total", "OVER BUDGET", "top cost drivers", "/vigil/dev/api", "Logs Insights"):
        assert word in text


def test_budget_exceeded_names_the_excess_and_top_three_drivers(
    make_namespace: Callable[..., Any], make_static: AlarmFactory, make_project: ProjectFactory
) -> None:
    fields = _fields(make_namespace, make_static, ["a"])
    fields["dashboards"] = {f"d{i}": {"widgets": WIDGETS} for i in range(7)}  # 4 paid: d3..d6
    project = make_project(stack={"name": "prod", "environment": "prod", "budget_usd": 10}, **fields)
    report = estimate_project(project)
    (message,) = check_budget(report)
    over = report.total_usd - 10
    assert "stack 'prod'" in message
    assert f"${report.total_usd:,.2f}/month" in message
    assert f"by ${over:,.2f}" in message
    drivers = message.split("top cost drivers: ")[1].split(", ")
    # the log group ($5.05) first, then dashboards tied at $3.00 in name order
    assert [d.split(" $")[0] for d in drivers] == ["/vigil/prod/api", "vigil-prod-d3", "vigil-prod-d4"]


def test_budget_is_silent_when_within_or_unset(
    make_namespace: Callable[..., Any], make_static: AlarmFactory, make_project: ProjectFactory
) -> None:
    fields = _fields(make_namespace, make_static, ["a"])
    total = estimate_project(make_project(**fields)).total_usd

    def over(**stack: Any) -> list[str]:
        return check_budget(estimate_project(make_project(stack=stack or None, **fields)))

    assert over() == []
    assert over(budget_usd=round(total, 2) + 0.01) == []
    assert check_budget(estimate_project(make_project(stack={}, **fields))) == []
    assert over(budget_usd=total / 2) != []
