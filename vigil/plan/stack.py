"""The one entry point: load, validate and plan a stack (what ``pulumi up`` would deploy).

Every command (check, cost, preview, verify, fire, test, backtest, grafana, report, demo) and the Pulumi program
(``stacks/__main__.py``) get their plan from :func:`load_stack_plan`, so none of them can disagree with another
about a name, a threshold or a rendered ``${ecs_cluster}``. A project with errors raises :class:`ProjectErrors`
carrying the located ``file:line: field: message`` errors; nothing else is raised for a bad project.

>>> loaded = load_stack_plan("tests/spec/good/minimal", "dev")
>>> loaded.plan.context.account_id == FAKE_ACCOUNT_ID, loaded.plan.routing.topics[0].name
(True, 'vigil-dev-p1')
>>> try:
...     load_stack_plan("tests/spec/good/minimal", "nope")
... except ProjectErrors as exc:
...     print(exc.errors[0])
stacks/Pulumi.nope.yaml:1: (file): no stack file for stack 'nope'; known stacks: dev
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from vigil.plan.errors import PlanError
from vigil.plan.naming import Naming
from vigil.plan.project import plan_project
from vigil.plan.types import StackPlan
from vigil.spec import LoadResult, ParseCache, SpecError, load_project
from vigil.spec.models import Project
from vigil.spec.models.stack import Secure

#: The account planned when no real one is known (``vigil test``, ``backtest``, ``cost``, ``preview``, ``check``):
#: it only appears inside ARNs. The one fake account id of the project.
FAKE_ACCOUNT_ID = "123456789012"


class ProjectErrors(Exception):
    """The project has errors: ``errors`` are the located ``file:line: field: message`` errors (never empty).

    >>> print(ProjectErrors("dev", [SpecError("alarms/a.yaml", 3, "alarms.x.period", "not a multiple of 60")]))
    stack 'dev' has errors; fix them first (`vigil check --stack dev`):
      alarms/a.yaml:3: alarms.x.period: not a multiple of 60
    """

    def __init__(self, stack: str | None, errors: list[SpecError], root: str | Path | None = None) -> None:
        self.stack = stack
        self.errors = list(errors)
        self.root = root
        where = f"stack '{stack}'" if stack else "the project"
        inside = f" in {root}" if root is not None else ""
        check = f"vigil check --stack {stack}" if stack else "vigil check"
        listed = "\n  ".join(str(e) for e in self.errors)
        super().__init__(f"{where}{inside} has errors; fix them first (`{check}`):\n  {listed}")


@dataclass(frozen=True)
class LoadedStack:
    """A validated project and its plan: ``plan`` is what ``pulumi up`` creates; ``warnings`` are ``check``'s."""

    project: Project
    plan: StackPlan
    result: LoadResult
    warnings: tuple[SpecError, ...] = field(default=())

    def config_value(self, key: str) -> str | None:
        """The plain value of ``vigil:<key>`` in the stack file; None when unset or stored encrypted."""
        stack = self.project.stack
        value = stack.values.get(key) if stack else None
        return None if value is None or isinstance(value, Secure) else value


def load_stack_plan(
    root: str | Path,
    stack: str | None,
    *,
    account_id: str | None = None,
    cache: ParseCache | None = None,
    result: LoadResult | None = None,
) -> LoadedStack:
    """Load ``stacks/Pulumi.<stack>.yaml`` with the project's specs, validate them, and plan the stack.

    ``account_id``: the account deployed to (the Pulumi program passes the caller's). None plans for the stack's
    pinned ``vigil:account_id``, or :data:`FAKE_ACCOUNT_ID`. A stack pinned to another account than
    ``account_id`` is an error located at ``vigil:account_id``. ``cache`` shares parsed files between the loads
    of several stacks; ``result`` is a load already done (``vigil check`` loads first, then plans).
    Raises :class:`ProjectErrors` when the project has errors, including a plan error validation missed.
    """
    loaded = result if result is not None else load_project(root, stack=stack, cache=cache)
    errors = [e for e in loaded.errors if e.severity == "error"]
    project = loaded.project
    pinned = project.stack.account_id if project.stack else None
    if not errors and account_id is not None and pinned is not None and pinned != account_id:
        message = f"the stack is pinned to account {pinned} but the credentials are for {account_id}"
        errors.append(
            loaded.sources.error("stack", project.stack.name if project.stack else "", ("account_id",), message)
        )
    if errors:
        raise ProjectErrors(stack, errors, root)
    try:
        plan = plan_stack(project, account_id or pinned)
    except PlanError as exc:
        raise ProjectErrors(stack, [plan_error(loaded, exc)], root) from exc
    return LoadedStack(project, plan, loaded, tuple(e for e in loaded.errors if e.severity != "error"))


def plan_stack(project: Project, account_id: str | None = None) -> StackPlan:
    """The plan of a project already validated for its stack (``account_id`` None: :data:`FAKE_ACCOUNT_ID`).

    :func:`load_stack_plan` plans through this; ``vigil test`` calls it directly for a project it extended with
    a test file's own alarms (validated by the same rules). Raises :class:`PlanError`.
    """
    return plan_project(project, Naming.for_project(project), account_id or FAKE_ACCOUNT_ID)


def plan_error(loaded: LoadResult, exc: PlanError) -> SpecError:
    """A plan error located at its spec when the error names one (``PlanError.kind``/``name``), else the stack file.

    A located plan error is a limit only the plan can check (a derived name, a rendered body: ``vigil.spec.limits``);
    an unlocated one is what validation should have caught: the message says so.
    """
    if exc.kind is not None and exc.name is not None and loaded.sources.where(exc.kind, exc.name) is not None:
        return loaded.sources.error(exc.kind, exc.name, exc.fields, str(exc))
    file = loaded.sources.stack_file or "(project)"
    return SpecError(file, 1, "(plan)", f"{exc} (the plan refused what `vigil check` accepted: please report it)")
