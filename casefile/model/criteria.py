"""IHL criteria as data: legal basis, elements to assess, and the rule that concludes from findings.

The law changes and cases need their own criteria, so none of this is hard-coded: a criterion is a
YAML record validated here, and the conclusion rule is a small boolean tree the dossier can print.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    Discriminator,
    Field,
    PrivateAttr,
    Tag,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
)

from casefile.model.base import Record, RecordId
from casefile.model.case import Conflict

RULE_SHAPE = (
    "an element id, or a mapping with exactly one key 'all' or 'any' holding a list of rules"
)


class CriterionKind(StrEnum):
    ihl_rule = "ihl-rule"
    rome_statute = "rome-statute"


class Citation(Record):
    """One source of the legal basis, cited by number so a reader can look it up in any edition."""

    instrument: str = Field(min_length=1)
    provision: str = Field(min_length=1)
    note: str | None = None

    def __str__(self) -> str:
        return f"{self.instrument} {self.provision}"


class Element(Record):
    """One fact to be found; phrased so that 'established' always points towards a violation,
    which is what lets a single rule combine findings without per-element negation."""

    id: RecordId
    question: str = Field(min_length=1)
    guidance: str = Field(min_length=1)
    evidence: list[str] = Field(default_factory=list)
    contextual: bool = False


class AllOf(Record):
    """Every sub-rule must hold (Kleene conjunction)."""

    all: list[Rule] = Field(min_length=1)


class AnyOf(Record):
    """At least one sub-rule must hold (Kleene disjunction)."""

    any: list[Rule] = Field(min_length=1)


def _rule_tag(value: Any) -> str | None:
    """Pick the branch from the shape of the data, so a bad rule gets one clear message
    instead of one error per union member."""
    if isinstance(value, str):
        return "element"
    if isinstance(value, AllOf):
        return "all"
    if isinstance(value, AnyOf):
        return "any"
    if isinstance(value, dict) and len(value) == 1:
        key = next(iter(value))
        if key in ("all", "any"):
            return str(key)
    return None


Rule = Annotated[
    Annotated[str, Tag("element")] | Annotated[AllOf, Tag("all")] | Annotated[AnyOf, Tag("any")],
    Discriminator(
        _rule_tag,
        custom_error_type="rule_shape",
        custom_error_message=f"expected {RULE_SHAPE}",
    ),
]
"""A rule is YAML-shaped: `attack`, `{all: [a, b]}`, `{any: [a, {all: [b, c]}]}`."""

AllOf.model_rebuild()
AnyOf.model_rebuild()


def rule_element_ids(rule: Rule) -> Iterator[str]:
    """Every element id a rule names, in reading order (with repeats)."""
    if isinstance(rule, str):
        yield rule
    else:
        for sub in rule.all if isinstance(rule, AllOf) else rule.any:
            yield from rule_element_ids(sub)


def _rule_path(loc: tuple[int | str, ...]) -> str:
    """Turn pydantic's location inside a rule into the path a YAML author would write:
    drop the union tags, which pydantic interleaves with the field names."""
    parts: list[str] = []
    previous: int | str | None = None
    for item in loc:
        if item == "element" or (item in ("all", "any") and previous == item):
            previous = item
            continue
        parts.append(str(item))
        previous = item
    return ".".join(parts)


class Criterion(Record):
    """A criterion the researcher assesses per incident; versioned because a dossier must say
    which wording of the law its findings answered."""

    id: RecordId
    version: int = Field(ge=1)
    title: str = Field(min_length=1)
    kind: CriterionKind
    summary: str = Field(min_length=1)
    legal_basis: list[Citation] = Field(min_length=1)
    applies_to: list[Conflict] = Field(min_length=1)
    violation_label: str = Field(min_length=1)
    note: str | None = None
    elements: list[Element] = Field(min_length=1)
    rule: Rule

    _source: str = PrivateAttr(default="")

    @property
    def source(self) -> str:
        """Where this criterion was loaded from (shipped file or case file); set by the loader."""
        return self._source

    def element_ids(self) -> list[str]:
        return [element.id for element in self.elements]

    def element(self, element_id: str) -> Element | None:
        return next((e for e in self.elements if e.id == element_id), None)

    @field_validator("applies_to")
    @classmethod
    def _applies_to_known_conflicts(cls, value: list[Conflict]) -> list[Conflict]:
        if Conflict.unknown in value:
            raise ValueError(
                "expected conflict types 'iac' and/or 'niac' ('unknown' is a case "
                "classification, not a scope)"
            )
        if len(set(value)) != len(value):
            raise ValueError("expected each conflict type at most once")
        return value

    @field_validator("elements")
    @classmethod
    def _unique_element_ids(cls, value: list[Element]) -> list[Element]:
        seen: set[str] = set()
        for element in value:
            if element.id in seen:
                raise ValueError(f"expected unique element ids, {element.id!r} appears twice")
            seen.add(element.id)
        return value

    @field_validator("rule", mode="wrap")
    @classmethod
    def _rule_names_own_elements(
        cls, value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo
    ) -> Rule:
        """Report any rule problem under the single field `rule`, and tie the rule to this
        criterion's elements so a conclusion can never depend on a fact nobody is asked about."""
        try:
            rule: Rule = handler(value)
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            where = _rule_path(tuple(err["loc"]))
            msg = err["msg"].removeprefix("Value error, ")
            raise ValueError(f"{msg} (at {where})" if where else msg) from None
        elements: list[Element] | None = info.data.get("elements")
        if elements is None:  # elements already failed; that error is reported instead
            return rule
        known = [e.id for e in elements]
        named = list(rule_element_ids(rule))
        for element_id in named:
            if element_id not in known:
                raise ValueError(
                    f"names unknown element {element_id!r} (elements: {', '.join(known)})"
                )
        unused = [e for e in known if e not in named]
        if unused:
            raise ValueError(
                f"expected every element to be used by the rule, not used: {', '.join(unused)}"
            )
        return rule


def rule_text(criterion: Criterion) -> str:
    """The conclusion rule for readers of the dossier, with elements as 1-based numbers:
    e.g. '1 and 2 and (3 or 4)'."""
    numbers = {element.id: str(i) for i, element in enumerate(criterion.elements, start=1)}
    return _rule_text(criterion.rule, numbers, top=True)


def _rule_text(rule: Rule, numbers: dict[str, str], *, top: bool) -> str:
    if isinstance(rule, str):
        return numbers.get(rule, rule)
    subs, joiner = (rule.all, " and ") if isinstance(rule, AllOf) else (rule.any, " or ")
    if len(subs) == 1:
        return _rule_text(subs[0], numbers, top=top)
    text = joiner.join(_rule_text(sub, numbers, top=False) for sub in subs)
    return text if top else f"({text})"
