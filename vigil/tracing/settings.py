"""Tracing and logging settings of one service, from the stack (``vigil:tracing``, ``vigil:log_level``).

The stack file is the source of truth; the plan hands each service its settings as environment variables
(:meth:`TelemetrySettings.environment`, exported by the Pulumi program as ``app_environment``), and the
application reads them back with :meth:`TelemetrySettings.from_env`. A service can also read the stack file
directly with :meth:`TelemetrySettings.from_project`.

Example::

    >>> settings = TelemetrySettings.from_env("api", {"VIGIL_ENVIRONMENT": "prod", "VIGIL_TRACE_SAMPLE_RATIO": "0.1"})
    >>> settings.sample_ratio, settings.environment, settings.log_level
    (0.1, 'prod', 'INFO')
    >>> TelemetrySettings.from_env("api", settings.environment_variables()) == settings
    True
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from vigil.tracing.errors import TracingError

if TYPE_CHECKING:
    from vigil.spec.models.project import Project

#: The CloudWatch agent's and the ADOT collector's OTLP/HTTP traces endpoint on the same host.
DEFAULT_OTLP_ENDPOINT: Final = "http://127.0.0.1:4318/v1/traces"
#: The span attribute naming the stack's environment, indexed as an X-Ray annotation (``aws.xray.annotations``):
#: the stack's X-Ray sampling rules match it and its X-Ray groups filter on it, so two stacks in one account and
#: region never share a rule or a service map.
ENVIRONMENT_ANNOTATION: Final = "vigil_environment"
_TRUE: Final = frozenset({"1", "true", "yes", "on"})
_FALSE: Final = frozenset({"0", "false", "no", "off"})


@dataclass(frozen=True)
class TelemetrySettings:
    """What one service needs to set up tracing and logging.

    ``sample_ratio`` is the head-sampling ratio of new traces (a request that arrives with a sampled or
    unsampled ``traceparent`` keeps its caller's decision).
    """

    service: str
    environment: str = "dev"
    release: str = ""
    tracing_enabled: bool = True
    sample_ratio: float = 1.0
    otlp_endpoint: str = DEFAULT_OTLP_ENDPOINT
    log_level: str = "INFO"

    def __post_init__(self) -> None:
        if not 0.0 <= self.sample_ratio <= 1.0:
            raise TracingError(f"sample ratio {self.sample_ratio} is outside 0..1 (vigil:tracing.sample_ratio)")
        if not self.otlp_endpoint.startswith(("http://", "https://")):
            raise TracingError(f"OTLP endpoint {self.otlp_endpoint!r} must be an http(s) URL")

    @classmethod
    def from_env(cls, service: str, environ: Mapping[str, str] | None = None) -> TelemetrySettings:
        """Settings from ``VIGIL_*`` variables (and the standard ``OTEL_EXPORTER_OTLP_*`` endpoint variables)."""
        env = os.environ if environ is None else environ
        enabled = env.get("VIGIL_TRACING", "on").strip().lower()
        if enabled not in _TRUE | _FALSE:
            raise TracingError(f"VIGIL_TRACING={enabled!r}: use on or off")
        ratio_text = env.get("VIGIL_TRACE_SAMPLE_RATIO", "1")
        try:
            ratio = float(ratio_text)
        except ValueError:
            raise TracingError(f"VIGIL_TRACE_SAMPLE_RATIO={ratio_text!r} is not a number between 0 and 1") from None
        endpoint = env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or (
            env["OTEL_EXPORTER_OTLP_ENDPOINT"].rstrip("/") + "/v1/traces"
            if env.get("OTEL_EXPORTER_OTLP_ENDPOINT")
            else DEFAULT_OTLP_ENDPOINT
        )
        return cls(
            service=service,
            environment=env.get("VIGIL_ENVIRONMENT", "dev"),
            release=env.get("VIGIL_RELEASE", ""),
            tracing_enabled=enabled in _TRUE,
            sample_ratio=ratio,
            otlp_endpoint=endpoint,
            log_level=env.get("VIGIL_LOG_LEVEL", "INFO").upper(),
        )

    @classmethod
    def from_project(cls, project: Project, service: str, release: str = "") -> TelemetrySettings:
        """Settings of ``service`` from a project loaded for one stack (``load_project(".", stack="prod")``)."""
        stack = project.stack
        if stack is None:
            return cls(service=service, environment=project.environment, release=release)
        return cls(
            service=service,
            environment=stack.environment,
            release=release,
            tracing_enabled=stack.tracing.enabled,
            sample_ratio=stack.tracing.sample_ratio,
            otlp_endpoint=stack.tracing.otlp_endpoint,
            log_level=stack.log_level,
        )

    def environment_variables(self) -> dict[str, str]:
        """The variables :meth:`from_env` reads, for a task definition or a Lambda function (no release)."""
        variables = {
            "VIGIL_ENVIRONMENT": self.environment,
            "VIGIL_TRACING": "on" if self.tracing_enabled else "off",
            "VIGIL_TRACE_SAMPLE_RATIO": f"{self.sample_ratio:g}",
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": self.otlp_endpoint,
            "VIGIL_LOG_LEVEL": self.log_level,
        }
        if self.release:
            variables["VIGIL_RELEASE"] = self.release
        return variables
