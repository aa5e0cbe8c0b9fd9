"""Errors of the plan step."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vigil.spec.limits import Limit


class PlanError(ValueError):
    """The project cannot be turned into resources (a reference or a CloudWatch limit that validation missed).

    The message names the spec item (alarm, dashboard, namespace) and what is wrong with it; ``kind``, ``name``
    and ``fields`` (as in :meth:`vigil.spec.sources.Sources.error`) locate it in the YAML when known; ``limit`` is
    the :class:`vigil.spec.limits.Limit` it enforces, if any.

    >>> str(PlanError("too many metrics", kind="dashboard", name="overview", fields=("widgets", 0)))
    'too many metrics'
    """

    def __init__(
        self,
        message: str,
        *,
        kind: str | None = None,
        name: str | None = None,
        fields: tuple[Any, ...] = (),
        limit: Limit | None = None,
    ) -> None:
        super().__init__(message)
        self.kind, self.name, self.fields, self.limit = kind, name, fields, limit
