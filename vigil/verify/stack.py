"""The plan of one stack, as ``pulumi up`` would deploy it into a given account, and its plain config values."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vigil.plan import StackPlan, plan_project
from vigil.spec.models import Project
from vigil.spec.models.stack import Secure
from vigil.verify.errors import VerifyError


@dataclass(frozen=True)
class LoadedStack:
    """A validated project and its plan for one account."""

    project: Project
    plan: StackPlan

    def config_value(self, key: str) -> str | None:
        """The plain value of ``vigil:<key>`` in the stack file; None when unset or stored encrypted."""
        stack = self.project.stack
        value = stack.values.get(key) if stack else None
        return None if value is None or isinstance(value, Secure) else value


def load_stack(root: str | Path, stack: str, account_id: str) -> LoadedStack:
    """Load ``stacks/Pulumi.<stack>.yaml`` with the catalog and plan it for ``account_id``.

    Raises :class:`VerifyError` listing every ``file:line: field: message`` error when the project is invalid.

    >>> loaded = load_stack(".", "dev", "123456789012")  # doctest: +SKIP
    >>> loaded.plan.routing.topics[0].name  # doctest: +SKIP
    'vigil-dev-p1'
    """
    from vigil.plan.naming import Naming
    from vigil.spec import load_project

    result = load_project(root, stack=stack)
    errors = [str(e) for e in result.errors if e.severity == "error"]
    if errors:
        listed = "\n  ".join(errors)
        raise VerifyError(
            f"stack {stack!r} in {root} has errors; fix them first (`vigil check --stack {stack}`):\n  {listed}"
        )
    project = result.project
    return LoadedStack(project, plan_project(project, Naming.for_project(project), account_id))


def stack_region(root: str | Path, stack: str) -> str:
    """The stack's ``aws:region`` (us-east-1 when unset), read without validating the whole project."""
    import yaml

    path = Path(root) / "stacks" / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        raise VerifyError(f"{path}: no such stack file; stacks are stacks/Pulumi.<NAME>.yaml")
    config = (yaml.safe_load(path.read_text()) or {}).get("config") or {}
    return str(config.get("aws:region", "us-east-1"))
