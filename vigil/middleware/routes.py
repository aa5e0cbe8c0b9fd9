"""Route templates for metrics: ``/sessions/{id}/answers``, never the raw path (its ids would be billed metrics).

The template of a request is found, after the application has handled it, in this order:

1. what the application set with :func:`set_route` (plain ASGI apps that route themselves);
2. FastAPI's matched route (``scope["route"].path``);
3. Starlette's matched endpoint, looked up in ``scope["app"].routes``;
4. the first of the middleware's ``routes=`` templates that matches the path;
5. :data:`UNMATCHED` (404s, unknown paths): one value, whatever the path was.

Example::

    >>> resolver = RouteResolver(["/sessions/{id}/answers", "/jobs"])
    >>> resolver.resolve({"path": "/sessions/s-42/answers"}), resolver.resolve({"path": "/wp-admin.php"})
    (('/sessions/{id}/answers', None), ('unmatched', None))
"""

from __future__ import annotations

import re
from collections.abc import Iterable, MutableMapping
from typing import Any, Final

UNMATCHED: Final = "unmatched"
_SCOPE_KEY: Final = "vigil.route"


def set_route(scope: MutableMapping[str, Any], template: str, group: str | None = None) -> None:
    """Tell the middleware the route template (and endpoint group) of the request being served.

    >>> scope = {"path": "/jobs/j-1"}
    >>> set_route(scope, "/jobs/{id}", "workspace"); RouteResolver().resolve(scope)
    ('/jobs/{id}', 'workspace')
    """
    scope[_SCOPE_KEY] = (template, group)


def _compile(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^{}/]+\})", template)
    regex = "".join("[^/]+" if p.startswith("{") and p.endswith("}") else re.escape(p) for p in parts)
    return re.compile(f"^{regex}$")


class RouteResolver:
    """Finds the template of a handled request (see the module docstring for the order)."""

    def __init__(self, routes: Iterable[str] = (), groups: dict[str, str] | None = None) -> None:
        self._routes = [(template, _compile(template)) for template in routes]
        self._groups = dict(groups or {})

    def resolve(self, scope: MutableMapping[str, Any]) -> tuple[str, str | None]:
        """``(template, endpoint group or None)`` of a handled request."""
        found = scope.get(_SCOPE_KEY)
        if found is not None:
            template, group = found
            return template, group if group is not None else self._groups.get(template)
        template = _framework_template(scope)
        if template is None:
            path = scope.get("path", "")
            template = next((t for t, regex in self._routes if regex.match(path)), UNMATCHED)
        return template, self._groups.get(template)


def _framework_template(scope: MutableMapping[str, Any]) -> str | None:
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str):
        return path
    endpoint = scope.get("endpoint")
    routes = getattr(scope.get("app"), "routes", None)
    if endpoint is None or not routes:
        return None
    request_path = scope.get("path", "")
    for candidate in routes:
        regex = getattr(candidate, "path_regex", None)
        if getattr(candidate, "endpoint", None) is endpoint and regex is not None and regex.match(request_path):
            template = getattr(candidate, "path", None)
            return template if isinstance(template, str) else None
    return None
