"""Render the templates of ``vigil init`` into a new project directory.

The templates under ``templates/project/`` are rendered once, those under ``templates/service/`` once per
service (``__service__`` in a path becomes the service name). Placeholders are ``{{name}}``; a path part
``dot-x`` becomes ``.x``. The result passes ``vigil check``, ``vigil test`` and ``vigil preview`` as created.

>>> from pathlib import Path
>>> paths = create_project(Path("/tmp/shop-monitoring"), ["api", "worker"])  # doctest: +SKIP
>>> sorted(str(p) for p in paths)[:2]  # doctest: +SKIP
['.github/workflows/vigil.yml', '.gitignore']
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from vigil.init.errors import InitError
from vigil.spec.schema import write_schemas

TEMPLATES = Path(__file__).resolve().parent / "templates"
SERVICE_PATTERN = re.compile(r"^[a-z][a-z0-9-]{0,30}$")
PREFIX_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,63}$")
_PLACEHOLDER = re.compile(r"\{\{([a-z_]+)\}\}")


@dataclass(frozen=True)
class ProjectPlan:
    """What ``vigil init`` will write: the project name, namespace prefix and services."""

    root: Path
    project: str
    prefix: str
    services: tuple[str, ...]

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
    unique = tuple(dict.fromkeys(services or ["api"]))
    for service in unique:
        if not SERVICE_PATTERN.fullmatch(service):
            raise InitError(
                f"--service '{service}': use lowercase letters, digits and '-', starting with a letter, at most 31 characters"
            )
    chosen = prefix or _camel(name)
    if not PREFIX_PATTERN.fullmatch(chosen) or chosen.upper() == "AWS":
        raise InitError(
            f"--prefix '{chosen}': the namespace prefix is letters and digits (not 'AWS'), e.g. --prefix Shop"
        )
    return ProjectPlan(root=root, project=name, prefix=chosen, services=unique)


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


def _values(plan: ProjectPlan, version: str) -> dict[str, str]:
    overrides = "\n".join(
        f"      {s}-latency-p95: {{threshold: 2000}}  # dev traffic is small and noisy" for s in plan.services
    )
    return {
        "project": plan.project,
        "version": version,
        "services_text": ", ".join(f"`{s}`" for s in plan.services),
        "dev_overrides": overrides,
        "first_service": plan.services[0],
        "first_namespace": plan.namespace(plan.services[0]),
    }


def create_project(
    root: Path,
    services: Sequence[str] = ("api",),
    *,
    prefix: str | None = None,
    project: str | None = None,
    version: str = "0.1.0",
) -> list[Path]:
    """Write a new project into ``root`` (created; must be absent or empty); returns the files, relative to it.

    ``version`` pins ``vigil-monitoring`` in the project's ``requirements.txt``.
    """
    plan = plan_project(root, services, prefix, project)
    common = _values(plan, version)
    outputs: dict[Path, str] = {}
    for template, relative in _templates("project"):
        outputs[relative] = _render(template.read_text(encoding="utf-8"), common, template)
    for service in plan.services:
        values = {**common, "service": service, "namespace": plan.namespace(service)}
        for template, relative in _templates("service"):
            target = Path(str(relative).replace("__service__", service))
            outputs[target] = _render(template.read_text(encoding="utf-8"), values, template)
    root.mkdir(parents=True, exist_ok=True)
    for relative, text in outputs.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    schemas = [p.relative_to(root) for p in write_schemas(root / "schemas")]
    return sorted([*outputs, *schemas], key=str)
