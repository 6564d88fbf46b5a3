"""Load and validate YAML rubrics. Every problem is one line naming the file, the line and the field."""
from __future__ import annotations

import hashlib
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from audit.checks import CHECKS, param_errors
from audit.checks.registry import reads_errors, suggest
from audit.schema import Rubric

RUBRICS_DIR = Path(__file__).resolve().parent.parent / "rubrics"
Loc = tuple[str | int, ...]


class RubricError(ValueError):
    """A rubric that cannot be used. `str()` is the first problem on one line; `.errors` lists them all."""

    def __init__(self, errors: list[str]) -> None:
        self.errors = errors
        more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
        super().__init__(f"{errors[0]}{more}")


@dataclass(frozen=True)
class Problem:
    loc: Loc
    message: str
    near_key: bool = False   # the field is missing: point at the enclosing mapping
    show_field: bool = False  # prefix "field 'a.b': " (for messages that do not name the field themselves)


def load_rubric(path: str | Path) -> Rubric:
    """Read, validate and return the rubric at `path`, with `content_hash` = sha256 of its bytes."""
    rubric, errors = _load(Path(path))
    if errors or rubric is None:
        raise RubricError(errors)
    return rubric


def validate_rubric_file(path: str | Path) -> list[str]:
    """All problems of the rubric at `path` as one-line messages (empty when it is valid)."""
    return _load(Path(path))[1]


def builtin_rubric_path(rubric_id: str) -> Path:
    """Path of a rubric shipped in rubrics/ (e.g. 'aidh-2016')."""
    return RUBRICS_DIR / f"{rubric_id}.yaml"


def builtin_rubric_ids() -> list[str]:
    return sorted(p.stem for p in RUBRICS_DIR.glob("*.yaml"))


def rubric_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _load(path: Path) -> tuple[Rubric | None, list[str]]:
    name = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return None, [f"{name}:0: cannot read file: {exc.strerror or exc}"]
    try:
        node = _compose(raw)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        return None, [f"{name}:{line}: invalid YAML: {exc.problem or exc.context}"]
    except yaml.YAMLError as exc:
        return None, [f"{name}:0: invalid YAML: {exc}"]
    if not isinstance(node, yaml.MappingNode):
        line = node.start_mark.line + 1 if node is not None else 1
        return None, [f"{name}:{line}: rubric: the file must be a YAML mapping (id, version, title, ...)"]
    data = yaml.SafeLoader("").construct_document(node)
    problems = list(_duplicate_keys(node, ()))
    rubric = None
    try:
        rubric = Rubric.model_validate(data)
    except ValidationError as exc:
        problems.extend(_pydantic_problems(exc))
    if rubric is not None:
        problems.extend(_semantic_problems(rubric, data))
    if problems:
        return None, _render(problems, name, node, data)
    return rubric.model_copy(update={"content_hash": rubric_hash(raw), "path": name}), []


# Bounds on what a rubric file may ask the loader to build: a few hundred bytes of nested aliases ("billion
# laughs") expand exponentially, and nesting thousands deep exhausts Python's stack.
MAX_DEPTH = 64
MAX_EXPANDED_NODES = 200_000
# Only the tags of YAML's core schema: a rubric is data, never objects (!!python/... is refused, not built).
_CORE_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in (
    "map", "seq", "str", "int", "float", "bool", "null", "timestamp", "binary", "merge", "omap", "pairs", "set"))


class RubricYAMLError(yaml.MarkedYAMLError):
    """A rubric file the loader refuses to build (too deep, too large once expanded, a language tag)."""

    def __init__(self, problem: str, mark: yaml.Mark | None) -> None:
        super().__init__(problem=problem, problem_mark=mark)


def _compose(raw: bytes) -> yaml.Node | None:
    loader = yaml.SafeLoader(raw)
    try:
        node = loader.get_single_node()
    except RecursionError:
        raise RubricYAMLError(f"nesting deeper than Python can read (limit {MAX_DEPTH})", None) from None
    finally:
        loader.dispose()
    if node is not None:
        _check_bounds(node)
    return node


def _check_bounds(root: yaml.Node) -> None:
    """Refuse depth over MAX_DEPTH, alias expansion over MAX_EXPANDED_NODES and non-core tags (no recursion:
    expanded sizes are summed per distinct node, so a bomb is measured without being expanded)."""
    size: dict[int, int] = {}
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, done = stack.pop()
        if depth > MAX_DEPTH:
            raise RubricYAMLError(f"nesting deeper than {MAX_DEPTH} levels", node.start_mark)
        if node.tag not in _CORE_TAGS:
            raise RubricYAMLError(f"tag '{node.tag}' is not allowed in a rubric (plain YAML data only)",
                                  node.start_mark)
        children = _children(node)
        if done:
            size[id(node)] = 1 + sum(size[id(c)] for c in children)
            if size[id(node)] > MAX_EXPANDED_NODES:
                raise RubricYAMLError(f"aliases expand to more than {MAX_EXPANDED_NODES:,} values", node.start_mark)
            continue
        if id(node) in size:
            continue
        stack.append((node, depth, True))
        stack.extend((c, depth + 1, False) for c in children if id(c) not in size)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _duplicate_keys(node: yaml.Node, loc: Loc) -> Iterator[Problem]:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                yield Problem((*loc, key), f"duplicate key '{key}'")
            seen.add(key)
            yield from _duplicate_keys(value_node, (*loc, key))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            yield from _duplicate_keys(item, (*loc, i))


# --- pydantic errors -> problems --------------------------------------------------------------------------

def _pydantic_problems(exc: ValidationError) -> Iterator[Problem]:
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        kind = err["type"]
        if kind == "missing":
            yield Problem(loc, "missing field '{field}'", near_key=True)
        elif kind == "extra_forbidden":
            allowed = _fields_at(loc[:-1])
            yield Problem(loc, "unknown field '{field}'" + suggest(str(loc[-1]), allowed))
        else:
            message = str(err["msg"]).removeprefix("Value error, ")
            got = err.get("input")
            shown = "" if isinstance(got, dict | list) or kind.startswith("value_error") else f" (got {got!r})"
            yield Problem(loc, f"{message}{shown}", show_field=True)


def _fields_at(loc: Loc) -> list[str]:
    """Field names the schema allows at `loc` (for 'did you mean')."""
    model: Any = Rubric
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)) or part not in model.model_fields:
            return []
        model = _inner_model(model.model_fields[part].annotation)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return [f for f in model.model_fields if f not in ("content_hash", "path")]
    return []


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (list, types.UnionType, typing.Union):
        for arg in typing.get_args(annotation):
            found = _inner_model(arg)
            if found is not None:
                return found
    return None


# --- cross-field rules ------------------------------------------------------------------------------------

def _semantic_problems(rubric: Rubric, data: dict[str, Any]) -> Iterator[Problem]:
    yield from _duplicate_ids("categories", [c.id for c in rubric.categories], "category")
    yield from _duplicate_ids("criteria", [c.id for c in rubric.criteria], "criterion")
    yield from _duplicate_ids("caps", [c.id for c in rubric.caps], "cap")
    categories = [c.id for c in rubric.categories]
    criteria = [c.id for c in rubric.criteria]
    for i, crit in enumerate(rubric.criteria):
        yield from _criterion_problems(i, crit, categories, criteria)
    yield from _cycles(rubric)
    for i, cap in enumerate(rubric.caps):
        if cap.criterion not in criteria:
            yield Problem(("caps", i, "criterion"), f"unknown criterion '{cap.criterion}'{suggest(cap.criterion, criteria)}")
        if cap.scope != "total" and cap.scope not in categories:
            yield Problem(("caps", i, "scope"), f"scope must be 'total' or a category id, not '{cap.scope}'"
                                                f"{suggest(cap.scope, [*categories, 'total'])}")
    for cat_id in categories:
        if not any(c.category == cat_id and c.points > 0 for c in rubric.criteria):
            i = categories.index(cat_id)
            yield Problem(("categories", i, "id"), f"category '{cat_id}' has no criterion with points")


def _duplicate_ids(section: str, ids: list[str], what: str) -> Iterator[Problem]:
    seen: set[str] = set()
    for i, item_id in enumerate(ids):
        if item_id in seen:
            yield Problem((section, i, "id"), f"duplicate {what} id '{item_id}'")
        seen.add(item_id)


def _criterion_problems(i: int, crit: Any, categories: list[str], criteria: list[str]) -> Iterator[Problem]:
    if crit.category not in categories:
        yield Problem(("criteria", i, "category"), f"unknown category '{crit.category}'{suggest(crit.category, categories)}")
    for j, req in enumerate(crit.requires):
        if req not in criteria or req == crit.id:
            yield Problem(("criteria", i, "requires", j), f"requires unknown criterion '{req}'{suggest(req, criteria)}")
    name = crit.check.name
    if name not in CHECKS:
        yield Problem(("criteria", i, "check", "name"), f"unknown check '{name}'{suggest(name, list(CHECKS))}")
        return
    for param, message in param_errors(name, crit.check.params):
        loc: Loc = ("criteria", i, "check", "params", param) if param else ("criteria", i, "check", "params")
        yield Problem(loc, message, near_key=param is None)
    for message in reads_errors(name):
        yield Problem(("criteria", i, "check", "name"), message)


def _cycles(rubric: Rubric) -> Iterator[Problem]:
    requires = {c.id: c.requires for c in rubric.criteria}
    for i, crit in enumerate(rubric.criteria):
        stack, seen = list(crit.requires), set()
        while stack:
            current = stack.pop()
            if current == crit.id:
                yield Problem(("criteria", i, "requires"), "circular 'requires' between criteria")
                break
            if current not in seen:
                seen.add(current)
                stack.extend(requires.get(current, []))


# --- rendering --------------------------------------------------------------------------------------------

def _render(problems: list[Problem], name: str, root: yaml.Node, data: dict[str, Any]) -> list[str]:
    rendered = []
    for problem in problems:
        line = _line(root, problem.loc, problem.near_key)
        context, field = _context(problem.loc, data)
        if "'{field}'" in problem.message:
            message = problem.message.replace("{field}", field or str(problem.loc[-1]))
            where = f"{context}: "
        else:
            message = problem.message
            where = f"{context}: " + (f"field '{field}': " if field and problem.show_field else "")
        rendered.append((line, f"{name}:{line}: {where}{message}"))
    rendered.sort(key=lambda pair: pair[0])
    return [text for _, text in rendered]


def _line(root: yaml.Node, loc: Loc, near_key: bool) -> int:
    """1-based line of the node at `loc` (or of the deepest existing ancestor)."""
    node, key_line = root, None
    for part in loc:
        child, child_key_line = _child(node, part)
        if child is None:
            break
        node, key_line = child, child_key_line
    else:
        if not near_key:
            return (key_line if key_line is not None else node.start_mark.line) + 1
    return node.start_mark.line + 1


def _child(node: yaml.Node, part: str | int) -> tuple[yaml.Node | None, int | None]:
    if isinstance(node, yaml.MappingNode) and isinstance(part, str):
        for key_node, value_node in reversed(node.value):
            if key_node.value == part:
                return value_node, key_node.start_mark.line
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return node.value[part], None
    return None, None


_SECTIONS = {"criteria": "criterion", "categories": "category", "caps": "cap"}


def _context(loc: Loc, data: dict[str, Any]) -> tuple[str, str]:
    """('criterion 'x'', 'check.params.kind') for a location in the rubric."""
    if len(loc) >= 2 and loc[0] in _SECTIONS and isinstance(loc[1], int):
        items = data.get(str(loc[0])) or []
        item = items[loc[1]] if loc[1] < len(items) else None
        item_id = item.get("id") if isinstance(item, dict) else None
        label = f"'{item_id}'" if isinstance(item_id, str) else f"#{loc[1] + 1}"
        return f"{_SECTIONS[str(loc[0])]} {label}", ".".join(map(str, loc[2:]))
    return "rubric", ".".join(map(str, loc))
