"""Render the templates of ``vigil init`` into a new project directory.

The templates under ``templates/project/`` are rendered once, those under ``templates/services/<kind>/`` once per
service of that kind (``__service__`` in a path becomes the service name). Kinds: ``http`` (an HTTP API: SLO,
5xx rate, p95 latency), ``queue-worker`` (an SQS consumer: backlog, age of the oldest message, progress,
heartbeat) and ``scheduled-job`` (missed, failed and slow runs). Placeholders are ``{{name}}``; a path part
``dot-x`` becomes ``.x``. The result passes ``vigil check``, ``vigil test`` and ``vigil preview`` as created.

>>> from pathlib import Path
>>> paths = create_project(Path("/tmp/shop-monitoring"), ["api", "settle:queue-worker"])  # doctest: +SKIP
>>> sorted(str(p) for p in paths)[:2]  # doctest: +SKIP
['.github/workflows/vigil.yml', '.gitignore']
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from vigil.init.errors import InitError
from vigil.init.source import VigilSource, installed_source, requirement
from vigil.spec.errors import did_you_mean
from vigil.spec.schema import write_schemas

TEMPLATES = Path(__file__).resolve().parent / "templates"
SERVICE_PATTERN = re.compile(r"^[a-z][a-z0-9-]{0,30}$")
PREFIX_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,63}$")
_PLACEHOLDER = re.compile(r"\{\{([a-z_]+)\}\}")
#: Service kinds: one template set each under templates/services/.
KINDS = ("http", "queue-worker", "scheduled-job")


@dataclass(frozen=True)
class ProjectPlan:
    """What ``vigil init`` will write: the project name, namespace prefix and services."""

    root: Path
    project: str
    prefix: str
    services: tuple[str, ...]
    #: The template set of each service (``http``, ``queue-worker``, ``scheduled-job``).
    kinds: Mapping[str, str]

    def namespace(self, service: str) -> str:
        """The EMF namespace of ``service``: ``<Prefix>/<Service>`` (``Shop/Api``)."""
        return f"{self.prefix}/{_camel(service)}"


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", name) if part)


def plan_project(
    root: Path, services: Sequence[str], prefix: str | None = None, project: str | None = None
) -> ProjectPlan:
    """Check the inputs and derive names; raises :class:`InitError` with what to change.

    >>> plan_project(Path("shop-monitoring"), ["api"]).namespace("api")
    'ShopMonitoring/Api'
    """
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise InitError(
            f"'{root}' exists and is not an empty directory; vigil init never overwrites files: pick a new DIR"
        )
    name = project or re.sub(r"[^a-z0-9-]+", "-", root.resolve().name.lower()).strip("-")
    if not re.fullmatch(r"[a-z][a-z0-9-]{0,62}", name):
        raise InitError(
            f"cannot derive a project name from '{root.resolve().name}': pass --name with lowercase letters, digits and '-'"
        )
    kinds = dict(parse_service(spec) for spec in (services or ["api"]))
    chosen = prefix or _camel(name)
    if not PREFIX_PATTERN.fullmatch(chosen) or chosen.upper() == "AWS":
        raise InitError(
            f"--prefix '{chosen}': the namespace prefix is letters and digits (not 'AWS'), e.g. --prefix Shop"
        )
    return ProjectPlan(root=root, project=name, prefix=chosen, services=tuple(kinds), kinds=kinds)


def parse_service(spec: str) -> tuple[str, str]:
    """``NAME[:KIND]`` from ``--service`` as ``(name, kind)``; the kind defaults to ``http``.

    >>> parse_service("settlement:queue-worker"), parse_service("api")
    (('settlement', 'queue-worker'), ('api', 'http'))
    """
    name, _, kind = spec.partition(":")
    kind = kind or "http"
    if not SERVICE_PATTERN.fullmatch(name):
        raise InitError(
            f"--service '{name}': use lowercase letters, digits and '-', starting with a letter, at most 31 characters"
        )
    if kind not in KINDS:
        prefixed = [k for k in KINDS if k.startswith(kind)]
        hint = f" (did you mean '{prefixed[0]}'?)" if len(prefixed) == 1 else did_you_mean(kind, KINDS)
        raise InitError(
            f"--service '{spec}': unknown kind '{kind}'{hint}; write NAME:KIND with KIND one of {', '.join(KINDS)}"
        )
    return name, kind


def _render(text: str, values: Mapping[str, str], origin: Path) -> str:
    def substitute(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in values:
            raise KeyError(f"{origin}: unknown placeholder {{{{{key}}}}}")
        return values[key]

    return _PLACEHOLDER.sub(substitute, text)


def _templates(kind: str) -> Iterator[tuple[Path, Path]]:
    """``(template file, relative output path with __service__ left in)`` for one template set."""
    base = TEMPLATES / kind
    for path in sorted(base.rglob("*.tmpl")):
        relative = path.relative_to(base)
        parts = [("." + p[len("dot-") :]) if p.startswith("dot-") else p for p in relative.parts]
        parts[-1] = parts[-1][: -len(".tmpl")]
        yield path, Path(*parts)


def _config_prefix(service: str) -> str:
    return service.replace("-", "_")


def _stack_values(plan: ProjectPlan, stack: str) -> str:
    """Stack-file lines the services need: each queue worker's queue name, dev's relaxed latency thresholds."""
    lines = [
        f"  vigil:{_config_prefix(s)}_queue_name: {s}-{stack}  # the SQS queue the {s} worker consumes"
        for s in plan.services
        if plan.kinds[s] == "queue-worker"
    ]
    http = [s for s in plan.services if plan.kinds[s] == "http"]
    if stack == "dev" and http:
        lines += ["  vigil:overrides:", "    alarms:"]
        lines += [f"      {s}-latency-p95: {{threshold: 2000}}  # dev traffic is small and noisy" for s in http]
    return "\n".join(lines)


_EMIT = {
    "http": (
        'metrics.metric("http.requests").put(1, StatusClass="2xx")',
        'metrics.metric("http.request.duration").put(42.0)',
    ),
    "queue-worker": ('metrics.metric("jobs.processed").put(1)', 'metrics.metric("job.duration").put(42.0)'),
    "scheduled-job": ('metrics.metric("job.runs").put(1)', 'metrics.metric("job.duration").put(42.0)'),
}


def _parts() -> dict[str, str]:
    """Snippets shared by every service kind (``templates/parts/<name>.part`` fills ``{{<name>}}``)."""
    return {p.stem: p.read_text(encoding="utf-8").rstrip("\n") for p in sorted((TEMPLATES / "parts").glob("*.part"))}


def _values(plan: ProjectPlan, source: VigilSource) -> dict[str, str]:
    first = plan.services[0]
    return {
        "project": plan.project,
        "vigil_requirement": requirement(source),
        "services_text": ", ".join(f"`{s}` ({plan.kinds[s]})" for s in plan.services),
        "dev_budget": str(max(50, 30 * len(plan.services))),  # about $20 a service a month: room to grow
        "prod_budget": str(max(100, 40 * len(plan.services))),
        "dev_stack_values": _stack_values(plan, "dev"),
        "prod_stack_values": _stack_values(plan, "prod"),
        "first_service": first,
        "first_namespace": plan.namespace(first),
        "emit_example": "\n".join(_EMIT[plan.kinds[first]]),
    }


def create_project(
    root: Path,
    services: Sequence[str] = ("api",),
    *,
    prefix: str | None = None,
    project: str | None = None,
    source: VigilSource | None = None,
) -> list[Path]:
    """Write a new project into ``root`` (created; must be absent or empty); returns the files, relative to it.

    ``services`` are ``NAME`` or ``NAME:KIND``; ``source`` is where the project's ``requirements.txt`` (and so its
    CI) installs Vigil from (default: where the running Vigil was installed from).
    """
    plan = plan_project(root, services, prefix, project)
    common = _values(plan, source or installed_source())
    outputs: dict[Path, str] = {}
    for template, relative in _templates("project"):
        outputs[relative] = _render(template.read_text(encoding="utf-8"), common, template)
    for service in plan.services:
        values = {
            **common,
            "service": service,
            "namespace": plan.namespace(service),
            "config_prefix": _config_prefix(service),
        }
        values.update({name: _render(text, values, TEMPLATES / "parts") for name, text in _parts().items()})
        for template, relative in _templates(f"services/{plan.kinds[service]}"):
            target = Path(str(relative).replace("__service__", service))
            outputs[target] = _render(template.read_text(encoding="utf-8"), values, template)
    root.mkdir(parents=True, exist_ok=True)
    for relative, text in outputs.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    schemas = [p.relative_to(root) for p in write_schemas(root / "schemas")]
    return sorted([*outputs, *schemas], key=str)
