"""Pydantic schema of a YAML rubric: categories, criteria, checks, partial-credit rules and caps.

Texts are `{es: ..., en: ...}` mappings (`es` required) or a plain string, which is read as Spanish.
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

MODES = ("auto", "assisted", "manual", "informative")
DEFAULT_LANG = "es"
ID_PATTERN = r"^[a-z0-9][a-z0-9_.-]*$"


class Text(BaseModel):
    """A text in Spanish (required) and optionally English."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    es: str = Field(min_length=1)
    en: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _plain_string_is_spanish(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"es": value}
        if not isinstance(value, dict):
            raise ValueError(f"expected a text or a mapping {{es: ..., en: ...}}, got {value!r}")
        return value

    def get(self, lang: str = DEFAULT_LANG) -> str:
        """The text in `lang`, falling back to Spanish."""
        return (self.en if lang == "en" else None) or self.es


class Strict(BaseModel):
    # allow_inf_nan=False: `points: .inf` or `.nan` is a rubric error, not a crash of a later audit
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class Category(Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: Text
    weight: float = Field(gt=0)
    description: Text | None = None


class Basis(Strict):
    """Why a criterion is asked for: a legal obligation or a methodological choice."""

    type: Literal["legal", "methodological"]
    text: Text


class PartialStep(Strict):
    min: float = Field(ge=0, le=1)       # check fraction at or above which...
    credit: float = Field(ge=0, le=1)    # ...this share of the points is given


class Partial(Strict):
    """How a check's fraction (0-1) turns into points.

    none: all-or-nothing (fraction 1 passes); proportional: points x fraction; steps: the highest step reached.
    """

    rule: Literal["none", "proportional", "steps"] = "none"
    steps: list[PartialStep] = Field(default_factory=list)

    @model_validator(mode="after")
    def _steps_match_rule(self) -> Partial:
        if self.rule == "steps" and not self.steps:
            raise ValueError("rule 'steps' needs a non-empty 'steps' list")
        if self.rule != "steps" and self.steps:
            raise ValueError(f"'steps' is only used with rule 'steps' (rule is '{self.rule}')")
        return self

    def credit(self, fraction: float) -> float:
        """Share of the criterion's points earned for a check fraction."""
        fraction = min(max(fraction, 0.0), 1.0)
        if self.rule == "proportional":
            return fraction
        if self.rule == "steps":
            if fraction >= 1.0:
                return 1.0
            reached = [s.credit for s in self.steps if fraction >= s.min]
            return max(reached, default=0.0)
        return 1.0 if fraction >= 1.0 else 0.0


class CheckSpec(Strict):
    name: str = Field(min_length=1)
    params: dict[str, Any] = Field(default_factory=dict)


class Criterion(Strict):
    id: str = Field(pattern=ID_PATTERN)
    ref: str | None = None                     # label in the source methodology, e.g. "(a)"
    category: str
    title: Text                                 # phrased as what passing means
    why: Text
    how_to_fix: Text
    basis: Basis
    points: float = Field(ge=0)
    partial: Partial = Field(default_factory=Partial)
    mode: Literal["auto", "assisted", "manual", "informative"]
    check: CheckSpec
    requires: list[str] = Field(default_factory=list)   # criteria whose check failing makes this one fail

    @model_validator(mode="after")
    def _points_match_mode(self) -> Criterion:
        if self.mode == "informative" and self.points != 0:
            raise ValueError("informative criteria carry no points: set 'points: 0'")
        if self.mode != "informative" and self.points <= 0:
            raise ValueError(f"a '{self.mode}' criterion needs 'points' greater than 0")
        return self


class Cap(Strict):
    """Gatekeeper: when a criterion's check ends in one of `statuses`, `scope` cannot exceed `max`."""

    id: str = Field(pattern=ID_PATTERN)
    criterion: str
    statuses: list[Literal["fail", "partial", "not_applicable"]] = Field(default_factory=lambda: ["fail"])
    scope: str = "total"          # "total" or a category id
    max: float = Field(ge=0)      # on the 0-100 scale (a category's share of it for a category scope)
    reason: Text


class Rubric(Strict):
    id: str = Field(pattern=ID_PATTERN)
    version: str = Field(min_length=1)
    title: Text
    description: Text | None = None
    source: Text                   # the methodology or law the rubric models
    citation: str                  # how to cite the source
    language: Literal["es", "en"] = DEFAULT_LANG
    review_valid_days: int | None = Field(default=None, gt=0)   # older reviews are treated as stale
    categories: list[Category] = Field(min_length=1)
    criteria: list[Criterion] = Field(min_length=1)
    caps: list[Cap] = Field(default_factory=list)
    content_hash: str = ""         # sha256 of the file bytes; set by the loader, not by the YAML
    path: str = ""                 # file it was loaded from; set by the loader

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int | float) else value

    def category(self, category_id: str) -> Category:
        return next(c for c in self.categories if c.id == category_id)

    def criterion(self, criterion_id: str) -> Criterion:
        return next(c for c in self.criteria if c.id == criterion_id)
