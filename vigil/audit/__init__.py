"""Audit and domain events as JSON log lines in the one log schema (:mod:`vigil.emf.log_schema`).

Audit events say who did what to which data (seed 002 "Audit Logging": logins, data access, admin actions,
sensitive API calls with the user); domain events say what happened in the product (seed 000: session and
phase transitions, workspace creation, patch outcomes, plan decisions). Both are ordinary ``logging`` records
rendered by :class:`~vigil.emf.log_formatter.JsonFormatter`, with ``event``, ``event_type`` (``audit`` or
``domain``), ``user_id``, ``resource`` (``kind:id``) and ``outcome`` at top level and anything else under
``context``. The catalog counts them with a metric filter (``{ $.event_type = "audit" }``) and reads them with
saved queries; they live in the service's log group, so they are kept as long as the stack keeps it
(``vigil:retention_days``, ``vigil:overrides: retention``).

Standard library only; nothing here raises into the application (a bad argument is logged as it is).

Example::

    >>> import io, json, logging
    >>> from vigil.emf.log_formatter import JsonFormatter
    >>> stream = io.StringIO()
    >>> handler = logging.StreamHandler(stream)
    >>> handler.setFormatter(JsonFormatter(service="api", environment="dev"))
    >>> log = logging.getLogger("doc.audit")
    >>> log.addHandler(handler)
    >>> log.setLevel(logging.INFO)
    >>> audit = Audit(log)
    >>> audit.admin_action("u-1", "incident.start", "incident:error-burst")
    >>> line = json.loads(stream.getvalue())
    >>> line["event"], line["event_type"], line["user_id"], line["resource"], line["outcome"]
    ('admin.incident.start', 'audit', 'u-1', 'incident:error-burst', 'success')
"""

from __future__ import annotations

import logging
import re
from typing import Any, Final, Literal

Outcome = Literal["success", "failure"]

#: The domain events the seeds name; :func:`domain_event` logs any dotted lower-case name, these are the ones
#: the shipped queries and dashboards read.
DOMAIN_EVENTS: Final = (
    "session.created",
    "session.phase_changed",
    "session.phase_violation",
    "workspace.created",
    "patch.applied",
    "patch.rejected",
    "patch.validated",
    "plan.approved",
    "plan.rejected",
    "plan.rated",
)
_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
AUDIT_LOGGER = "vigil.audit"
EVENTS_LOGGER = "vigil.events"


def _logger(logger: logging.Logger | str | None, default: str) -> logging.Logger:
    return logger if isinstance(logger, logging.Logger) else logging.getLogger(logger or default)


class Audit:
    """Writes audit events: one log line per login, data access, admin action or sensitive call.

    Successes are logged at INFO, failures (denied, refused) at WARNING. ``context`` keyword arguments go under
    ``context`` (``ip``, ``route``, ``reason`` ...); never pass secrets, the formatter redacts only known keys.
    """

    def __init__(self, logger: logging.Logger | str | None = None) -> None:
        self.logger = _logger(logger, AUDIT_LOGGER)

    def _log(self, event: str, user_id: str | None, resource: str | None, outcome: Outcome, **context: Any) -> None:
        extra: dict[str, Any] = {"event": event, "event_type": "audit", "outcome": outcome, **context}
        if user_id:
            extra["user_id"] = user_id
        if resource:
            extra["resource"] = resource
        level = logging.INFO if outcome == "success" else logging.WARNING
        self.logger.log(level, "%s %s by %s", event, outcome, user_id or "anonymous", extra=extra)

    def login(self, user_id: str | None, *, outcome: Outcome, **context: Any) -> None:
        """A login attempt (``auth.login``)."""
        self._log("auth.login", user_id, None, outcome, **context)

    def data_access(
        self, user_id: str | None, resource: str, *, action: str = "read", outcome: Outcome = "success", **context: Any
    ) -> None:
        """A user read or changed a user's data (``data.<action>``, e.g. ``data.read`` of ``session:s-1``)."""
        self._log(f"data.{action}", user_id, resource, outcome, **context)

    def admin_action(
        self, user_id: str | None, action: str, resource: str, *, outcome: Outcome = "success", **context: Any
    ) -> None:
        """A configuration change or user management action (``admin.<action>``)."""
        self._log(f"admin.{action}", user_id, resource, outcome, **context)

    def sensitive_call(self, user_id: str | None, method: str, route: str, *, outcome: Outcome, **context: Any) -> None:
        """A call to a sensitive API endpoint (``api.sensitive_call``), by route template, never a raw path."""
        self._log(
            "api.sensitive_call", user_id, f"route:{method} {route}", outcome, method=method, route=route, **context
        )


def domain_event(
    name: str,
    *,
    resource: str | None = None,
    user_id: str | None = None,
    outcome: Outcome | None = None,
    logger: logging.Logger | str | None = None,
    **fields: Any,
) -> None:
    """Log one named domain event (``session.phase_changed`` ...) at INFO, ``event_type: domain``.

    ``fields`` go under ``context`` (``from_phase``, ``to_phase``, ``files`` ...). A name that is not dotted
    lower case is still logged, with ``context.bad_name`` set, so no event is lost to a typo.

    >>> domain_event("session.phase_changed", resource="session:s-1", from_phase="questionnaire", to_phase="plan")
    """
    extra: dict[str, Any] = {"event": name, "event_type": "domain", **fields}
    if not _NAME.match(name):
        extra["bad_name"] = True
    if resource:
        extra["resource"] = resource
    if user_id:
        extra["user_id"] = user_id
    if outcome:
        extra["outcome"] = outcome
    _logger(logger, EVENTS_LOGGER).info("%s", name, extra=extra)


__all__ = ["AUDIT_LOGGER", "DOMAIN_EVENTS", "EVENTS_LOGGER", "Audit", "Outcome", "domain_event"]
