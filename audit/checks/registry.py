"""The registry of named checks: `@check("name", params={...})` and `run_check(name, evidence, params)`."""
from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from audit.checks.base import CheckOutcome, EvidenceIndex, Param, errored, index, outcome
from audit.evidence import CRAWL_BLOCKED, CRAWL_NO_URL, CRAWL_UNREACHABLE, Evidence
from audit.messages import msg, render
from audit.result import FAIL, NEEDS_REVIEW

CheckFn = Callable[[EvidenceIndex, Mapping[str, Any]], CheckOutcome]

NOT_AUDITABLE_MESSAGES = {CRAWL_UNREACHABLE: msg("site.unreachable"), CRAWL_BLOCKED: msg("site.blocked"),
                          CRAWL_NO_URL: msg("site.no_url")}
NOT_AUDITABLE = {status: render(message) for status, message in NOT_AUDITABLE_MESSAGES.items()}


@dataclass(frozen=True)
class RegisteredCheck:
    name: str
    fn: CheckFn
    params: Mapping[str, Param]
    doc: str


CHECKS: dict[str, RegisteredCheck] = {}


def check(name: str, params: Mapping[str, Param] | None = None) -> Callable[[CheckFn], CheckFn]:
    """Register a pure function (evidence index, params) -> CheckOutcome under `name`."""

    def register(fn: CheckFn) -> CheckFn:
        if name in CHECKS:
            raise ValueError(f"check '{name}' registered twice")
        doc = (fn.__doc__ or "").strip().splitlines()[0] if fn.__doc__ else ""
        CHECKS[name] = RegisteredCheck(name, fn, dict(params or {}), doc)
        return fn

    return register


def suggest(name: str, known: list[str] | tuple[str, ...] | set[str]) -> str:
    """'; did you mean 'x'?' for the closest known name, or ''."""
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def param_errors(name: str, params: Mapping[str, Any]) -> list[tuple[str | None, str]]:
    """Problems with `params` for check `name`, as (param name or None, message) pairs."""
    spec = CHECKS[name].params
    problems: list[tuple[str | None, str]] = []
    for key, value in params.items():
        if key not in spec:
            problems.append((key, f"check '{name}' has no param '{key}'{suggest(key, list(spec))}"))
            continue
        declared = spec[key]
        if not declared.accepts(value):
            problems.append((key, f"param '{key}' of check '{name}' must be {declared.type_names()}, "
                                  f"got {value!r}"))
        elif declared.choices is not None and not _in_choices(value, declared.choices):
            allowed = ", ".join(map(str, declared.choices))
            problems.append((key, f"param '{key}' of check '{name}': {value!r} is not one of: {allowed}"
                                  f"{suggest(str(value), [str(c) for c in declared.choices])}"))
        elif declared.validate is not None and (problem := declared.validate(value)):
            problems.append((key, f"param '{key}' of check '{name}': {problem}"))
    for key, declared in spec.items():
        if declared.required and key not in params:
            problems.append((None, f"check '{name}' needs param '{key}' ({declared.help or declared.type_names()})"))
    return problems


def _in_choices(value: Any, choices: tuple[Any, ...]) -> bool:
    if isinstance(value, list):
        return all(v in choices for v in value)
    return value in choices


def with_defaults(name: str, params: Mapping[str, Any]) -> dict[str, Any]:
    spec = CHECKS[name].params
    filled = {key: p.default for key, p in spec.items()}
    filled.update(params)
    return filled


def run_check(name: str, evidence: Evidence | EvidenceIndex, params: Mapping[str, Any] | None = None) -> CheckOutcome:
    """Run a registered check with crawl-status guards: never a silent fail for what could not be seen."""
    ev = index(evidence)
    not_auditable = NOT_AUDITABLE_MESSAGES.get(ev.evidence.crawl_status)
    if not_auditable:
        return errored(not_auditable)
    registered = CHECKS.get(name)
    if registered is None:
        return errored(msg("check.unknown", name=name))
    try:
        result = registered.fn(ev, with_defaults(name, params or {}))
    except Exception as exc:  # noqa: BLE001 - one malformed signal must not stop a national run
        return errored(msg("check.internal_error", name=name, error=f"{type(exc).__name__}: {exc}"))
    return _uncertain_absence(result, ev)


def _uncertain_absence(result: CheckOutcome, ev: EvidenceIndex) -> CheckOutcome:
    if result.status != FAIL or not result.absent or ev.incomplete_message is None:
        return result
    reason = msg("absence.unconfirmed", reason=result.message or result.reason, why=ev.incomplete_message)
    return outcome(NEEDS_REVIEW, 0.0, reason, result.evidence, suggestion=msg("absence.suggestion"), absent=True)
