"""Composite alarm rules in ``alarms/*.yaml``: the typed tree the plan renders into a CloudWatch ``AlarmRule``.

Forms (each maps one-to-one to CloudWatch's rule grammar):

- ``worker-down``: the alarm is in ALARM (``ALARM("worker-down")``);
- ``{alarm: worker-down, state: OK}``: the alarm is in that state (``OK("worker-down")``);
- ``{all: [...]}`` / ``{any: [...]}`` / ``{not: ...}``: AND, OR, NOT;
- ``{at_least: 2, of: [a, b, c], state: ALARM}``: at least 2 of the alarms are in the state
  (``AT_LEAST(2, ALARM, (a, b, c))``); ``at_least: "50%"`` counts a percentage of ``of`` (1% to 100%);
  ``state`` is one of ALARM, OK, INSUFFICIENT_DATA or the same preceded by ``NOT `` (default ALARM).

Example::

    >>> rule = AtLeast.model_validate({"at_least": "50%", "of": ["w1", "w2", "w3", "w4"]})
    >>> rule.percent, rule.needed(4)
    (50, 2)
    >>> AtLeast.model_validate({"at_least": 3, "of": ["w1", "w2"]})
    Traceback (most recent call last):
    ...
    pydantic_core._pydantic_core.ValidationError: 1 validation error for AtLeast
    ...
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Annotated, Literal, Union

from pydantic import Discriminator, Field, Tag, field_validator, model_validator

from vigil.spec.models.common import Name, Spec

#: The states a plain reference may test.
RuleState = Literal["ALARM", "OK", "INSUFFICIENT_DATA"]
#: The state conditions of ``AT_LEAST`` (CloudWatch also accepts the negated states there).
AtLeastState = Literal["ALARM", "OK", "INSUFFICIENT_DATA", "NOT ALARM", "NOT OK", "NOT INSUFFICIENT_DATA"]


class AlarmState(Spec):
    """``ALARM(name)``, ``OK(name)`` or ``INSUFFICIENT_DATA(name)`` in a composite rule."""

    alarm: Name
    state: RuleState = "ALARM"


class AllOf(Spec):
    """Every sub-rule holds (AND)."""

    all: Annotated[tuple[Rule, ...], Field(min_length=1)]


class AnyOf(Spec):
    """At least one sub-rule holds (OR)."""

    any: Annotated[tuple[Rule, ...], Field(min_length=1)]


class NotRule(Spec):
    """The sub-rule does not hold (NOT)."""

    not_: Rule = Field(alias="not")


class AtLeast(Spec):
    """``AT_LEAST(threshold, state, (alarms...))``: at least ``at_least`` of ``of`` are in ``state``.

    ``at_least`` is a count (1 to the number of alarms) or a percentage string from ``"1%"`` to ``"100%"``.
    """

    at_least: int | str
    of: Annotated[tuple[Name, ...], Field(min_length=1)]
    state: AtLeastState = "ALARM"

    @field_validator("at_least", mode="before")
    @classmethod
    def _threshold(cls, value: object) -> object:
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError('at_least is a count (2) or a percentage ("50%")')
        if isinstance(value, str):
            digits = value.removesuffix("%").strip()
            if not value.endswith("%") or not digits.isdigit() or not 1 <= int(digits) <= 100:
                raise ValueError(f'at_least {value!r}: a percentage is a whole number from "1%" to "100%"')
            return f"{int(digits)}%"
        if value < 1:
            raise ValueError(f"at_least {value}: a count is at least 1")
        return value

    @field_validator("of")
    @classmethod
    def _once(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        duplicates = sorted({n for n in value if value.count(n) > 1})
        if duplicates:
            raise ValueError(f"names {', '.join(duplicates)} more than once; each alarm counts once")
        return value

    @model_validator(mode="after")
    def _fits(self) -> AtLeast:
        if isinstance(self.at_least, int) and self.at_least > len(self.of):
            raise ValueError(
                f"at_least {self.at_least} is more than the {len(self.of)} alarms in `of`: the rule could never "
                f'hold; lower it or use a percentage ("{100 * min(self.at_least, len(self.of)) // len(self.of)}%")'
            )
        return self

    @property
    def percent(self) -> int | None:
        """The percentage, or None for a count."""
        return int(self.at_least.removesuffix("%")) if isinstance(self.at_least, str) else None

    def needed(self, total: int) -> int:
        """How many of ``total`` alarms must be in the state (a percentage rounds up, as ``k/n >= p%`` does)."""
        percent = self.percent
        return int(self.at_least) if percent is None else math.ceil(percent * total / 100)

    def threshold_text(self) -> str:
        """The threshold as CloudWatch's rule grammar writes it (``2`` or ``50%``)."""
        return str(self.at_least)


def _rule_tag(value: object) -> str | None:
    """Which rule form ``value`` is: a name, or the one key of all / any / not / alarm / at_least (None: invalid)."""
    if isinstance(value, str):
        return "name"
    if isinstance(value, dict):
        if "alarm" in value:
            return "alarm"
        if "at_least" in value:
            return "at_least"
        keys = [tag for tag in ("all", "any", "not") if tag in value]
        return keys[0] if len(keys) == 1 and len(value) == 1 else None
    forms: dict[type, str] = {AllOf: "all", AnyOf: "any", NotRule: "not", AlarmState: "alarm", AtLeast: "at_least"}
    return forms.get(type(value))


#: A composite rule: an alarm name (in ALARM), or all / any / not / alarm-with-state / at_least.
Rule = Annotated[
    Union[  # noqa: UP007 (a recursive alias needs Union)
        Annotated[Name, Tag("name")],
        Annotated[AlarmState, Tag("alarm")],
        Annotated[AllOf, Tag("all")],
        Annotated[AnyOf, Tag("any")],
        Annotated[NotRule, Tag("not")],
        Annotated[AtLeast, Tag("at_least")],
    ],
    Discriminator(
        _rule_tag,
        custom_error_type="invalid_rule",
        custom_error_message=(
            "a rule is an alarm name, or a mapping with exactly one of: all, any, not, alarm, at_least"
        ),
    ),
]


def walk(rule: Rule) -> Iterator[Rule]:
    """The rule and every sub-rule, depth first.

    >>> [type(r).__name__ for r in walk(NotRule(not_=AllOf(all=("a", "b"))))]
    ['NotRule', 'AllOf', 'str', 'str']
    """
    yield rule
    if isinstance(rule, AllOf | AnyOf):
        for sub in rule.all if isinstance(rule, AllOf) else rule.any:
            yield from walk(sub)
    elif isinstance(rule, NotRule):
        yield from walk(rule.not_)


def rule_names(rule: Rule) -> list[str]:
    """Every alarm name a rule mentions, in order (with repeats).

    >>> rule_names(AnyOf(any=("a", AtLeast(at_least=1, of=("b", "c")))))
    ['a', 'b', 'c']
    """
    if isinstance(rule, str):
        return [rule]
    if isinstance(rule, AlarmState):
        return [rule.alarm]
    if isinstance(rule, AllOf | AnyOf):
        return [n for sub in (rule.all if isinstance(rule, AllOf) else rule.any) for n in rule_names(sub)]
    if isinstance(rule, AtLeast):
        return list(rule.of)
    return rule_names(rule.not_)


AllOf.model_rebuild()
AnyOf.model_rebuild()
NotRule.model_rebuild()
