"""Subscription endpoints in the stack file: the right shape for their kind, secrets never in plain text.

Routing names endpoints by reference (``{config: oncall_email}``); the values live in
``stacks/Pulumi.<env>.yaml``. A plain value must look like what SNS will be given: an email address, an
E.164 phone number (``+`` and up to 15 digits), an ``https://`` URL (SNS would post alarm details over
plain ``http://`` unencrypted). A value routing reads as a secret (``{secret: ...}``) must be encrypted in
the stack file (``secure:``); one written in plain text is already leaked to everyone who can read the
repository. Encrypted values cannot be checked here.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from vigil.spec.models import ConfigRef, Spec
from vigil.spec.rules.context import Context

_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_E164 = re.compile(r"^\+[1-9][0-9]{1,14}$")


def endpoint_problem(kind: str, value: str) -> str | None:
    """Why ``value`` cannot be the endpoint of a ``kind`` subscription, or None.

    >>> endpoint_problem("sms", "+14155550123"), endpoint_problem("sms", "0415 555 0123")
    (None, "'0415 555 0123' is not an E.164 phone number: write '+', the country code and the number, e.g. +14155550123")
    """
    if kind == "email" and not _EMAIL.match(value):
        return f"{value!r} is not an email address: write it as name@example.com"
    if kind == "sms" and not _E164.match(value):
        return f"{value!r} is not an E.164 phone number: write '+', the country code and the number, e.g. +14155550123"
    if kind == "webhook":
        parts = urlsplit(value)
        if parts.scheme != "https" or not parts.hostname:
            return (
                f"{value!r} is not an https:// URL: SNS would send alarm details unencrypted over "
                f"{parts.scheme or 'no scheme'}; use the endpoint's https:// URL"
            )
    return None


def check_endpoints(ctx: Context) -> None:
    """Every subscription endpoint the stack file sets, checked against its subscription kind."""
    stack = ctx.project.stack
    if stack is None:
        return
    reported: set[str] = set()
    for severity, route in sorted(ctx.project.routing.items()):
        for sub in route.subscriptions:
            for field, ref in _refs(sub):
                value = stack.values.get(ref.key)
                if not isinstance(value, str) or ref.key in reported:
                    continue  # unset (routing reports it) or encrypted (cannot be read here)
                where = ("stack", stack.name, (ref.key,))
                if ref.is_secret:
                    reported.add(ref.key)
                    ctx.report(
                        where,
                        f"'vigil:{ref.key}' is read as a secret ({severity.value} {sub.kind}) but is written here in "
                        f"plain text: remove it, run `pulumi config set --secret vigil:{ref.key} <value>`, and rotate "
                        "the value (it is in the repository's history)",
                    )
                    continue
                problem = endpoint_problem(sub.kind, value) if field == "endpoint" else None
                if problem:
                    reported.add(ref.key)
                    ctx.report(
                        where, f"{problem} (the {severity.value} {sub.kind} subscription uses 'vigil:{ref.key}')"
                    )


def _refs(sub: Spec) -> list[tuple[str, ConfigRef]]:
    """The stack-config references of a subscription (endpoint, integration key, Chatbot ids), by field."""
    return [(name, value) for name in type(sub).model_fields if isinstance(value := getattr(sub, name), ConfigRef)]
