"""A small but complete project for plan, golden and component tests (built in Python, no YAML).

It has every alarm kind (static with a percentile, math, anomaly, heartbeat, probe, canary, composite over an alarm
and an SLO with an actions suppressor), every automatic action (scale, OpsItem, Lambda, restart), one SLO, routing P1-P4 (P4 without subscriptions, P2/P3 to a Slack
channel through AWS Chatbot), a delivery-failure route, a dashboard with every widget type, an alarm on an
AWS namespace, a child that does not notify on its own, a traffic-absence alarm, and a stack that pages people
with overrides (one alarm disabled, retention per namespace).
"""

from __future__ import annotations

from typing import Any

from vigil.plan import StackPlan, plan_project
from vigil.plan.naming import Naming
from vigil.plan.stack import FAKE_ACCOUNT_ID
from vigil.spec.models import Project

ACCOUNT = FAKE_ACCOUNT_ID
API = {"Service": "api", "Environment": "${environment}"}
WORKER = {"Service": "worker", "Environment": "${environment}"}
SLACK = {
    "kind": "slack",
    "workspace": {"config": "slack_workspace_id"},
    "channel": {"config": "slack_alerts_channel_id"},
}


def _namespaces() -> dict[str, Any]:
    dims = {"Service": {}, "Environment": {}, "Endpoint": {"cardinality": 20}}
    api = {
        "version": "vigil/v1",
        "namespace": "Vigil/API",
        "service": "api",
        "dimensions": dims,
        "dimension_sets": {"service": ["Service", "Environment"]},
        "metrics": {
            "http.requests": {"unit": "Count"},
            "http.errors": {"unit": "Count"},
            "http.request.duration": {"unit": "Milliseconds"},
        },
        "log_group": {
            "name": "/vigil/api",
            "retention_days": 14,
            "metric_filters": {"error-total": {"pattern": '{ $.level = "error" }', "metric": "error.total"}},
            "queries": {
                "slow-endpoints": {"query": "fields @timestamp, endpoint | sort duration desc | limit 20"},
                "errors": {"query": "fields @timestamp, message | filter level = 'error'"},
            },
        },
    }
    worker = {
        "version": "vigil/v1",
        "namespace": "Vigil/Worker",
        "service": "worker",
        "dimensions": {"Service": {}, "Environment": {}},
        "dimension_sets": {"service": ["Service", "Environment"]},
        "metrics": {
            "job.claimed": {"unit": "Count"},
            "job.failed": {"unit": "Count"},
            "worker.heartbeat": {"unit": "Count"},
            "tokens.used": {"unit": "Count"},
        },
        "log_group": {"name": "/vigil/worker", "kms": {"enabled": True, "key_alias": "alias/shared-logs"}},
    }
    return {"Vigil/API": api, "Vigil/Worker": worker}


def _alarms() -> dict[str, Any]:
    req = {"namespace": "Vigil/API", "metric": "http.requests", "dimensions": API}
    return {
        "api-latency-p95": {
            "kind": "static",
            "severity": "P2",
            "description": "p95 latency above 5 s",
            "runbook": "alarms/runbooks/api-latency.md",
            "metric": {
                "namespace": "Vigil/API",
                "metric": "http.request.duration",
                "statistic": "p95",
                "dimensions": API,
            },
            "comparison": ">",
            "threshold": 5000,
            "evaluation_periods": 10,
            "evaluate_low_sample_count_percentile": "ignore",
        },
        "job-failure-rate": {
            "kind": "math",
            "severity": "P1",
            "runbook": "https://runbooks.example.com/jobs",
            "metrics": {
                "failed": {"namespace": "Vigil/Worker", "metric": "job.failed", "dimensions": WORKER},
                "claimed": {"namespace": "Vigil/Worker", "metric": "job.claimed", "dimensions": WORKER},
            },
            "expression": "100 * failed / claimed",
            "threshold": 20,
            "period": 300,
            "actions": [
                {"scale": {"service": "worker", "adjustment": 2, "cooldown": 120, "max_capacity": 8}},
                {"scale": {"service": "worker", "adjustment": -1, "cooldown": 300, "max_capacity": 8}, "on": "ok"},
            ],
        },
        "token-spike": {
            "kind": "anomaly",
            "severity": "P3",
            "metric": {"namespace": "Vigil/Worker", "metric": "tokens.used", "dimensions": WORKER},
            "band": 2,
            "evaluation_periods": 3,
        },
        "worker-down": {
            "kind": "heartbeat",
            "severity": "P1",
            "runbook": "alarms/runbooks/worker-down.md",
            "metric": {"namespace": "Vigil/Worker", "metric": "worker.heartbeat", "dimensions": WORKER},
            "actions": [
                {"ops_item": {"severity": 1, "category": "Availability"}},
                {"lambda": {"function": "arn:aws:lambda:eu-west-1:210987654321:function:restart-worker"}, "on": "ok"},
                {"scale": {"service": "worker", "adjustment": 1, "cooldown": 120, "max_capacity": 8}},
                {"restart": {"service": "worker"}},
            ],
        },
        "request-drop": {
            "kind": "static",
            "severity": "P4",
            "metric": {**req, "statistic": "Sum"},
            "comparison": "<",
            "threshold": 1,
        },
        "disabled-in-stack": {"kind": "static", "severity": "P3", "metric": req, "threshold": 1e6},
        "platform-down": {
            "kind": "composite",
            "severity": "P1",
            "runbook": "https://runbooks.example.com/platform-down",
            "rule": {"any": [{"all": ["worker-down", "job-failure-rate"]}, "api-availability"]},
            "suppressor": {"alarm": "maintenance", "wait_period": 120, "extension_period": 300},
            "actions": [{"lambda": {"function": "page-status:live"}}, {"ops_item": {"severity": 1}}],
        },
        "maintenance": {
            "kind": "static",
            "severity": "P4",
            "description": "A maintenance window is open (a deploy sets this metric).",
            "metric": {**req, "statistic": "Maximum"},
            "threshold": 1e9,
            "notify": False,
        },
        "api-unreachable": {
            "kind": "probe",
            "severity": "P1",
            "description": "The API health endpoint fails from outside AWS.",
            "runbook": "https://runbooks.example.com/api-unreachable",
            "url": {"config": "api_health_url"},
            "search_string": '"status":"pass"',
        },
        "smoke-flow": {
            "kind": "canary",
            "severity": "P2",
            "description": "The seed smoke flow fails from outside.",
            "runbook": "https://runbooks.example.com/smoke-flow",
            "url": {"config": "smoke_base_url"},
            "every_minutes": 10,
        },
        "api-no-traffic": {
            "kind": "static",
            "severity": "P2",
            "description": "No API requests for 5 minutes.",
            "runbook": "https://runbooks.example.com/api-no-traffic",
            "metric": {**req, "statistic": "Sum"},
            "comparison": "<",
            "threshold": 1,
            "evaluation_periods": 5,
            "traffic": "expected",
            "dashboard": "overview",
        },
        "alb-target-5xx": {
            "kind": "static",
            "severity": "P2",
            "runbook": "https://runbooks.example.com/alb",
            "metric": {
                "namespace": "AWS/ApplicationELB",
                "metric": "HTTPCode_Target_5XX_Count",
                "dimensions": {"LoadBalancer": "app/vigil-${environment}/abc"},
            },
            "threshold": 10,
        },
    }


def _dashboard() -> dict[str, Any]:
    dur = {"namespace": "Vigil/API", "metric": "http.request.duration", "dimensions": API}
    return {
        "title": "Overview",
        "widgets": [
            {"type": "text", "markdown": "# Overview", "width": 24, "height": 2},
            {
                "type": "graph",
                "title": "Latency",
                "metrics": [{**dur, "statistic": "p95", "label": "p95"}, {**dur, "statistic": "p99", "id": "p99"}],
            },
            {
                "type": "graph",
                "title": "Error rate",
                "metrics": [
                    {"namespace": "Vigil/API", "metric": "http.errors", "dimensions": API, "id": "e", "visible": False},
                    {
                        "namespace": "Vigil/API",
                        "metric": "http.requests",
                        "dimensions": API,
                        "id": "r",
                        "visible": False,
                    },
                    {"expression": "100 * e / r", "label": "error %", "id": "rate"},
                ],
                "y_min": 0,
            },
            {
                "type": "single_value",
                "title": "Requests",
                "metrics": [{"namespace": "Vigil/API", "metric": "http.requests"}],
                "width": 8,
            },
            {
                "type": "gauge",
                "title": "Heartbeats",
                "metrics": [{"namespace": "Vigil/Worker", "metric": "worker.heartbeat"}],
                "width": 8,
                "max": 10,
            },
            {
                "type": "alarm_status",
                "title": "Alarms",
                "alarms": ["platform-down", "api-availability", "disabled-in-stack"],
                "width": 8,
            },
            {
                "type": "log_query",
                "title": "Errors",
                "namespaces": ["Vigil/API", "Vigil/Worker"],
                "query": "fields @message | limit 20",
                "width": 24,
            },
        ],
    }


def fixture_project_data() -> dict[str, Any]:
    """The project as plain data (what ``Project.model_validate`` takes)."""
    ref = {"namespace": "Vigil/API", "dimensions": API}
    return {
        "namespaces": _namespaces(),
        "alarms": _alarms(),
        "slos": {
            "api-availability": {
                "objective": 99.9,
                "bad": {**ref, "metric": "http.errors"},
                "total": {**ref, "metric": "http.requests"},
                "runbook": "alarms/runbooks/api-availability.md",
            }
        },
        "routing": {
            "P1": {
                "insufficient_data_actions": True,
                "subscriptions": [
                    {"kind": "pagerduty", "integration_key": {"secret": "pagerduty_p1_key"}},
                    {"kind": "sms", "endpoint": {"config": "oncall_phone"}},
                    {"kind": "email", "endpoint": {"config": "oncall_email"}},
                    {"kind": "webhook", "endpoint": {"secret": "chat_webhook_url"}},
                ],
            },
            "P2": {"subscriptions": [{"kind": "email", "endpoint": {"config": "oncall_email"}}, SLACK]},
            "P3": {
                "ok_actions": False,
                "subscriptions": [{"kind": "webhook", "endpoint": {"secret": "chat_webhook_url"}}, SLACK],
            },
            "P4": {"ok_actions": False, "subscriptions": []},
        },
        "delivery_failures": {"subscriptions": [{"kind": "email", "endpoint": {"config": "team_email"}}]},
        "dashboards": {"overview": _dashboard()},
        "stack": {
            "name": "dev",
            "environment": "dev",
            "region": "eu-west-1",
            "runbook_base_url": "https://github.com/acme/vigil/blob/main",
            "dashboard_prefix": "dev-",
            "page_people": True,
            "expects_traffic": True,
            "values": {
                "api_health_url": "https://api.example.com/health/ready",
                "smoke_base_url": "https://api.example.com",
            },
            "overrides": {"retention": {"Vigil/API": 90}},
        },
    }


def fixture_project() -> Project:
    """The fixture project with the stack override already applied (``disabled-in-stack`` off)."""
    data = fixture_project_data()
    data["alarms"]["disabled-in-stack"]["enabled"] = False
    return Project.model_validate(data)


#: Config values a stack needs for the fixture's routing (the secrets are fake and must never leak).
FAKE_PAGERDUTY_KEY = "pd-fake-key-0123456789abcdef"
FAKE_WEBHOOK = "https://hooks.example.com/fake-webhook-secret-path"
FIXTURE_CONFIG = {
    "vigil:pagerduty_p1_key": FAKE_PAGERDUTY_KEY,
    "vigil:chat_webhook_url": FAKE_WEBHOOK,
    "vigil:oncall_phone": "+15555550100",
    "vigil:oncall_email": "oncall@example.com",
    "vigil:team_email": "team@example.com",
    "vigil:slack_workspace_id": "T0FIXTURE",
    "vigil:slack_alerts_channel_id": "C0FIXTURE",
    "vigil:api_health_url": "https://api.example.com/health/ready",
    "vigil:smoke_base_url": "https://api.example.com",
}
FIXTURE_SECRET_KEYS = ["vigil:pagerduty_p1_key", "vigil:chat_webhook_url"]


def fixture_plan() -> StackPlan:
    """The fixture project's plan (what the components are built from in the component tests)."""
    project = fixture_project()
    return plan_project(project, Naming.for_project(project), ACCOUNT)
