"""The loaded project: every spec of a directory, merged, and its per-stack effective view."""

from __future__ import annotations

from pydantic import Field, PrivateAttr

from vigil.spec.models.alarms import Alarm, SloSpec
from vigil.spec.models.common import Severity, Spec
from vigil.spec.models.dashboards import DashboardSpec
from vigil.spec.models.metrics import MetricNamespaceSpec
from vigil.spec.models.pagerduty import PagerDutySpec
from vigil.spec.models.routing import DeliveryFailureRoute, SeverityRoute
from vigil.spec.models.stack import StackSpec


class Project(Spec):
    """Everything a Vigil project declares, keyed by name.

    ``namespaces`` is keyed by the CloudWatch namespace (``Vigil/API``); ``alarms``, ``slos`` and
    ``dashboards`` by their spec names; ``routing`` by severity. ``stack`` is set when the project was
    loaded for one stack, and then overrides are already applied.

    Example::

        >>> from vigil.spec import load_project
        >>> project = load_project(".", stack="dev").project  # doctest: +SKIP
        >>> sorted(project.namespaces)  # doctest: +SKIP
        ['Vigil/API', 'Vigil/Dashboard', 'Vigil/Worker']
    """

    namespaces: dict[str, MetricNamespaceSpec] = Field(default_factory=dict)
    alarms: dict[str, Alarm] = Field(default_factory=dict)
    slos: dict[str, SloSpec] = Field(default_factory=dict)
    routing: dict[Severity, SeverityRoute] = Field(default_factory=dict)
    delivery_failures: DeliveryFailureRoute | None = None
    pagerduty: PagerDutySpec | None = None
    dashboards: dict[str, DashboardSpec] = Field(default_factory=dict)
    stack: StackSpec | None = None

    _enabled: tuple[object, object, dict[str, Alarm]] | None = PrivateAttr(default=None)

    @property
    def environment(self) -> str:
        """The stack's environment name (``dev`` when loaded without a stack)."""
        return self.stack.environment if self.stack else "dev"

    def enabled_alarms(self) -> dict[str, Alarm]:
        """Alarms whose ``enabled`` is true after stack overrides (``traffic: expected`` ones only where expected).

        Computed once per project (the project is frozen); each call returns a fresh dict (a C-level copy), so
        callers that ask once per composite stay linear.
        """
        cached = self._enabled
        if cached is None or cached[0] is not self.alarms or cached[1] is not self.stack:
            traffic = self.stack is not None and self.stack.expects_traffic
            enabled = {
                name: alarm
                for name, alarm in self.alarms.items()
                if alarm.enabled and (traffic or getattr(alarm, "traffic", "any") == "any")
            }
            cached = self._enabled = (self.alarms, self.stack, enabled)  # model_copy(update=...) invalidates it
        return dict(cached[2])

    def enabled_slos(self) -> dict[str, SloSpec]:
        """SLOs whose ``enabled`` is true after stack overrides."""
        return {name: slo for name, slo in self.slos.items() if slo.enabled}
