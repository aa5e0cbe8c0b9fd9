"""Run alarm unit-test files against the plan of a stack: feed the series, evaluate, compare expectations.

>>> report = run_tests(Path("."), [Path("alarms/tests/api.yaml")])  # doctest: +SKIP
>>> report.failed, report.exit_code  # doctest: +SKIP
(0, 0)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vigil.alarmtest import notify_checks
from vigil.alarmtest.checks import Failure, check_state, format_offset
from vigil.alarmtest.raw_rules import children, evaluate_raw
from vigil.emulator.engine import evaluate_alarms
from vigil.emulator.errors import EvaluateError
from vigil.emulator.notifications import notifications
from vigil.emulator.store import MetricKey, MetricStore
from vigil.plan.errors import PlanError
from vigil.plan.stack import ProjectErrors, load_stack_plan, plan_stack
from vigil.plan.types import AlarmsPlan, CompositeAlarmPlan, MetricAlarmPlan, StackContext, StackPlan
from vigil.spec.errors import SpecError, did_you_mean
from vigil.spec.notation import parse_duration
from vigil.spec.slo import expand_slo
from vigil.spec.testfile import AlarmTest, Expectation, SeriesSpec, load_test_file
from vigil.spec.yaml_source import YamlDocument, field_name

if TYPE_CHECKING:
    from vigil.spec.models.project import Project


@dataclass
class CaseResult:
    """The outcome of one test case."""

    file: str
    line: int
    name: str
    stack: str
    failures: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when every expectation held."""
        return not self.failures


@dataclass
class Report:
    """Every case of a run, and the located errors of inputs that could not be run."""

    cases: list[CaseResult] = field(default_factory=list)
    errors: list[SpecError] = field(default_factory=list)

    @property
    def passed(self) -> int:
        """Number of passing cases."""
        return sum(c.passed for c in self.cases)

    @property
    def failed(self) -> int:
        """Number of failing cases."""
        return sum(not c.passed for c in self.cases)

    @property
    def exit_code(self) -> int:
        """2 on bad input, 1 when a case failed, else 0."""
        if any(e.severity == "error" for e in self.errors):
            return 2
        return 1 if self.failed else 0

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of ``vigil test --format json``."""
        return {
            "passed": self.passed,
            "failed": self.failed,
            "errors": [e.to_dict() for e in self.errors],
            "tests": [
                {
                    "file": c.file,
                    "line": c.line,
                    "name": c.name,
                    "stack": c.stack,
                    "passed": c.passed,
                    "notes": c.notes,
                    "failures": [f.__dict__ for f in c.failures],
                }
                for c in self.cases
            ],
        }


class _Stacks:
    """Projects and plans per stack (from the one entry point), loaded once per run."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.loaded: dict[str, tuple[Project, StackPlan] | list[SpecError]] = {}

    def get(self, stack: str) -> tuple[Project, StackPlan] | list[SpecError]:
        if stack not in self.loaded:
            try:
                loaded = load_stack_plan(self.root, stack)
                self.loaded[stack] = (loaded.project, loaded.plan)
            except ProjectErrors as exc:
                self.loaded[stack] = exc.errors
        return self.loaded[stack]


def run_tests(root: Path, files: list[Path]) -> Report:
    """Run every case of ``files`` (paths shown relative to ``root`` when they are inside it)."""
    report = Report()
    stacks = _Stacks(root)
    for path in files:
        display = _display(root, path)
        parsed, doc, errors = load_test_file(path, display)
        report.errors.extend(errors)
        if parsed is None:
            continue
        loaded = stacks.get(parsed.stack)
        if isinstance(loaded, list):
            report.errors.append(_stack_error(root, doc, parsed.stack, loaded))
            continue
        project, stack_plan = loaded
        for index, case in enumerate(parsed.tests):
            where = ("tests", index)
            try:
                report.cases.append(_run_case(root, doc, where, parsed.stack, project, stack_plan, case))
            except _CaseError as exc:
                report.errors.extend(exc.errors)
    return report


def _display(root: Path, path: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def _stack_error(root: Path, doc: YamlDocument, stack: str, errors: list[SpecError]) -> SpecError:
    from vigil.spec import available_stacks

    known = available_stacks(root)
    if stack not in known:
        return SpecError(
            doc.file,
            doc.line_of(("stack",)),
            "stack",
            f"no stack '{stack}'{did_you_mean(stack, known)}: the stacks are {', '.join(known) or 'none'}",
        )
    first = "; ".join(str(e) for e in errors[:3])
    return SpecError(
        doc.file,
        doc.line_of(("stack",)),
        "stack",
        f"stack '{stack}' does not pass `vigil check --stack {stack}` ({len(errors)} error(s)): {first}",
    )


class _CaseError(Exception):
    def __init__(self, errors: list[SpecError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


def _located(doc: YamlDocument, path: tuple[Any, ...], message: str) -> SpecError:
    return SpecError(doc.file, doc.line_of(path), field_name(path), message)


def _run_case(
    root: Path,
    doc: YamlDocument,
    where: tuple[Any, ...],
    stack: str,
    project: Project,
    stack_plan: StackPlan,
    case: AlarmTest,
) -> CaseResult:
    if case.alarms:
        project, stack_plan = _with_extra_alarms(root, doc, where, project, case)
    names = _alarm_names(project, stack_plan)
    raw_children = _raw_children(doc, where, case, names)
    wanted = _resolve(doc, where, project, {**names, **{n: n for n in case.composites}}, case.expect)
    roots = (set(wanted.values()) - set(case.composites)) | raw_children
    if any(e.alarm is None for e in case.expect):  # `pages` of every alarm the series feed
        roots |= _fed(stack_plan.alarms, {_series_key(project, stack_plan.context, s) for s in case.series})
    alarms = _needed(stack_plan.alarms, roots)
    start = case.start_epoch
    store, length = _store(doc, where, project, stack_plan.context, alarms, case, start)
    end = start + max([length, *(_horizon(e) for e in case.expect)])
    try:
        evaluation = evaluate_alarms(alarms, store, start, end)
        evaluate_raw(evaluation, case.composites, names, start, end)
    except EvaluateError as exc:
        raise _CaseError([_located(doc, where, f"cannot evaluate this case: {exc}")]) from exc
    result = CaseResult(doc.file, doc.line_of(where), case.name, stack)
    sent = notifications(evaluation, alarms, stack_plan.routing)
    for index, expect in enumerate(case.expect):
        line = doc.line_of((*where, "expect", index))
        if expect.pages is None and expect.notifies is None:
            failure = check_state(evaluation, wanted[index], expect, start, line)
        else:
            mine = [n for n in sent if index not in wanted or n.alarm == wanted[index]]
            failed = notify_checks.check(expect, mine, start)
            who = expect.alarm or "(every alarm of the case)"
            context = notify_checks.describe(mine, start)
            failure = None if failed is None else Failure(who, line, failed[0], failed[1], context)
        if failure is not None:
            result.failures.append(failure)
    if any(evaluation.timelines[n].approximate for n in set(wanted.values()) if n in evaluation.timelines):
        from vigil.emulator.anomaly import APPROXIMATION_NOTE

        result.notes.append(APPROXIMATION_NOTE)
    return result


def _raw_children(doc: YamlDocument, where: tuple[Any, ...], case: AlarmTest, names: dict[str, str]) -> set[str]:
    """Physical names of the alarms the case's raw rules read; located errors for rules or names that are wrong."""
    out: set[str] = set()
    errors: list[SpecError] = []
    for name, rule in case.composites.items():
        try:
            read = children(rule)
        except EvaluateError as exc:
            errors.append(_located(doc, (*where, "composites", name), str(exc)))
            continue
        for child in read:
            if child in names:
                out.add(names[child])
            elif child not in case.composites:
                hint = did_you_mean(child, names)
                errors.append(_located(doc, (*where, "composites", name), f"no alarm '{child}' in this stack{hint}"))
    if errors:
        raise _CaseError(errors)
    return out


def _horizon(expect: Expectation) -> int:
    if expect.at is not None:
        return parse_duration(expect.at)
    window = expect.first_alarm if isinstance(expect.first_alarm, tuple) else expect.between
    return parse_duration(window[1]) if window is not None else 0


def _fed(alarms: AlarmsPlan, keys: set[MetricKey]) -> set[str]:
    """The metric alarms that read one of ``keys``, and the composites over them (transitively)."""
    out = {alarm.name for key, alarm in _readers(alarms) if key in keys}
    grew = True
    while grew:
        parents = {c.name for c in alarms.composite_alarms if out & set(c.children)} - out
        out |= parents
        grew = bool(parents)
    return out


def _alarm_names(project: Project, stack_plan: StackPlan) -> dict[str, str]:
    """Spec name (and physical name) -> physical name of every alarm in the plan."""
    alarms: list[MetricAlarmPlan | CompositeAlarmPlan] = [
        *stack_plan.alarms.metric_alarms,
        *stack_plan.alarms.composite_alarms,
    ]
    return {**{a.name: a.name for a in alarms}, **{a.spec_name: a.name for a in alarms}}


def _resolve(
    doc: YamlDocument, where: tuple[Any, ...], project: Project, names: dict[str, str], expects: list[Expectation]
) -> dict[int, str]:
    errors: list[SpecError] = []
    out: dict[int, str] = {}
    for index, expect in enumerate(expects):
        if expect.alarm is None:
            continue
        if expect.alarm in names:
            out[index] = names[expect.alarm]
            continue
        path = (*where, "expect", index, "alarm")
        spec = project.alarms.get(expect.alarm) or project.slos.get(expect.alarm)
        if spec is not None and not spec.enabled:
            message = f"alarm '{expect.alarm}' is disabled in this stack (vigil:overrides); test it in a stack that enables it"
        elif expect.alarm in project.slos:
            pairs = [b.name for b in expand_slo(expect.alarm, project.slos[expect.alarm])]
            message = f"'{expect.alarm}' is an SLO: expect one of its burn-rate alarms: {', '.join(pairs)}"
        else:
            message = f"no alarm '{expect.alarm}' in this stack{did_you_mean(expect.alarm, names)}"
        errors.append(_located(doc, path, message))
    if errors:
        raise _CaseError(errors)
    return out


def _needed(alarms: AlarmsPlan, wanted: set[str]) -> AlarmsPlan:
    """The alarms ``wanted`` and, for composites, every alarm they read and their suppressors (transitively)."""
    composites = {c.name: c for c in alarms.composite_alarms}
    needed: set[str] = set()
    todo = list(wanted)
    while todo:
        name = todo.pop()
        if name in needed:
            continue
        needed.add(name)
        if name in composites:
            todo.extend(composites[name].children)
            suppressor = composites[name].suppressor
            if suppressor is not None:
                todo.append(suppressor.alarm)
    return AlarmsPlan(
        tuple(a for a in alarms.metric_alarms if a.name in needed),
        tuple(c for c in alarms.composite_alarms if c.name in needed),
    )


def _readers(alarms: AlarmsPlan) -> list[tuple[MetricKey, MetricAlarmPlan]]:
    """Every ``(metric key, alarm reading it)`` pair."""
    pairs: list[tuple[MetricKey, MetricAlarmPlan]] = []
    for alarm in alarms.metric_alarms:
        metrics = [alarm.metric] if alarm.metric else [q.metric for q in alarm.metric_queries if q.metric]
        for metric in metrics:
            if metric is not None:
                pairs.append((MetricKey.of(metric.namespace, metric.metric_name, metric.dimensions), alarm))
    return pairs


def _read_keys(alarms: AlarmsPlan) -> dict[MetricKey, MetricAlarmPlan]:
    """Metric key -> an alarm reading it."""
    return dict(_readers(alarms))


def _store(
    doc: YamlDocument,
    where: tuple[Any, ...],
    project: Project,
    context: StackContext,
    alarms: AlarmsPlan,
    case: AlarmTest,
    start: int,
) -> tuple[MetricStore, int]:
    """The series as samples; every series must feed at least one alarm under test (else it is a typo)."""
    read = _read_keys(alarms)
    labels = {k.label(): k for k in read}
    store = MetricStore()
    errors: list[SpecError] = []
    length = 0
    interval = case.interval_seconds
    for index, series in enumerate(case.series):
        key = _series_key(project, context, series)
        if key not in read:
            hint = did_you_mean(key.label(), labels)
            errors.append(
                _located(
                    doc,
                    (*where, "series", index, "metric"),
                    f"no alarm under test reads {key.label()}{hint}; the alarms read: "
                    + "; ".join(sorted(labels))[:600],
                )
            )
            continue
        spec = project.namespaces.get(key.namespace)
        metric = spec.metrics.get(key.metric) if spec else None
        high_res = metric is not None and metric.resolution == 1
        samples = series.samples()
        sets = series.statistic_sets or []
        length = max(length, (len(samples) + len(sets)) * interval)
        for i, values in enumerate(samples):
            if values:
                store.add(key, start + i * interval, values, high_resolution=high_res)
        for i, one in enumerate(sets):
            if one is not None:
                store.add_statistic_set(
                    key, start + i * interval, sample_count=one.sample_count, total=one.sum,
                    minimum=one.minimum, maximum=one.maximum,
                )  # fmt: skip
    if errors:
        raise _CaseError(errors)
    return store, length


def _series_key(project: Project, context: StackContext, series: SeriesSpec) -> MetricKey:
    """The metric a series feeds, its dimension values rendered exactly as the plan renders them for the stack."""
    spec = project.namespaces.get(series.metric.namespace)
    service = spec.service if spec else ""
    dims = {k: context.render(v, service) for k, v in series.metric.dimensions.items()}
    return MetricKey.of(series.metric.namespace, series.metric.metric, dims)


def _with_extra_alarms(
    root: Path, doc: YamlDocument, where: tuple[Any, ...], project: Project, case: AlarmTest
) -> tuple[Project, StackPlan]:
    """The project with the case's own alarms added, validated like ``vigil check`` (errors located in the test)."""
    from vigil.spec.rules.alarms import check_alarms
    from vigil.spec.rules.context import Context
    from vigil.spec.sources import Sources

    clashes = sorted(set(case.alarms) & (set(project.alarms) | set(project.slos)))
    if clashes:
        raise _CaseError(
            [
                _located(
                    doc,
                    (*where, "alarms", n),
                    f"alarm '{n}' already exists in the catalog: give the test's alarm another name",
                )
                for n in clashes
            ]
        )
    merged = project.model_copy(update={"alarms": {**project.alarms, **case.alarms}})
    sources = Sources()
    for name in case.alarms:
        sources.add("alarm", name, doc, (*where, "alarms", name))
    ctx = Context(project=merged, sources=sources, root=root)
    check_alarms(ctx)
    errors = [e for e in ctx.errors if e.file == doc.file and e.severity == "error"]
    if errors:
        raise _CaseError(errors)
    try:
        return merged, plan_stack(merged)
    except PlanError as exc:  # a plan error of the test's own alarms
        raise _CaseError([_located(doc, (*where, "alarms"), f"cannot plan the test's alarms: {exc}")]) from exc


__all__ = ["CaseResult", "Failure", "Report", "format_offset", "run_tests"]
