"""YAML file → validated config, or one InputError listing every problem."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from provisioner.config.common import FieldProblems
from provisioner.errors import InputError, Problem
from provisioner.yaml_loader import load_yaml_mapping

ModelT = TypeVar("ModelT", bound=BaseModel)

_TYPE_WORDS = {
    "string_type": "text",
    "int_type": "a whole number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "float_type": "a number",
}


def _field_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "(top level)"


def _allowed_fields(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int) or current is None:
            continue
        field = current.model_fields.get(part)
        annotation = getattr(field, "annotation", None)
        current = _model_in(annotation)
    return sorted(current.model_fields) if current is not None else []


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _describe(value: Any) -> str:
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def problems_from(error: ValidationError, model: type[BaseModel]) -> list[Problem]:
    problems: list[Problem] = []
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        kind = item["type"]
        field = _field_path(loc)
        found = item.get("ctx", {}).get("error")
        if kind == "value_error" and isinstance(found, FieldProblems):
            problems += [_nested(loc, p) for p in found.problems]
            continue
        if kind == "extra_forbidden":
            allowed = ", ".join(_allowed_fields(model, loc))
            message = f"unknown field; allowed fields here: {allowed}"
        elif kind == "missing":
            message = "required field is missing"
        elif kind in _TYPE_WORDS:
            message = f"must be {_TYPE_WORDS[kind]}, got {_describe(item.get('input'))}"
            if loc and loc[-1] == "account_id":
                message += " (write the account id in quotes, e.g. '123456789012')"
        elif kind == "string_pattern_mismatch":
            pattern = item.get("ctx", {}).get("pattern", "")
            message = f"{item.get('input')!r} does not match the allowed pattern {pattern}"
        elif kind == "literal_error":
            expected = item.get("ctx", {}).get("expected", "")
            message = f"must be {expected}, got {item.get('input')!r}"
        elif kind == "value_error":
            message = str(item["msg"]).removeprefix("Value error, ")
        else:
            message = str(item["msg"])
        # (A model validator reports through FieldProblems, above: a config-wide problem has
        # no field there, `_nested` keeps it so.)
        problems.append(Problem(field, message))
    return problems


def _nested(loc: tuple[int | str, ...], problem: Problem) -> Problem:
    """A model validator's problem, its path made relative to the whole config."""
    if not loc:
        return problem
    outer = _field_path(loc)
    if not problem.field:
        return Problem(outer, problem.message)
    joiner = "" if problem.field.startswith("[") else "."
    return Problem(f"{outer}{joiner}{problem.field}", problem.message)


def load_config(
    path: Path,
    model: type[ModelT],
    expected_stem: Callable[[ModelT], str],
) -> ModelT:
    """Load, validate, and check the file name against the contents. Nothing here plans: a
    run checks its derived names and the rest of its plan itself (ml/, sec/plan_checks.py)."""
    data = load_yaml_mapping(path)
    try:
        config = model.model_validate(data)
    except ValidationError as exc:
        raise InputError(str(path), problems_from(exc, model)) from None
    stem = expected_stem(config)
    actual = path.name.removesuffix(".yaml").removesuffix(".yml")
    if actual != stem or path.suffix not in (".yaml", ".yml"):
        raise InputError(
            str(path),
            f"file name disagrees with its contents: expected '{stem}.yaml' "
            f"(built from the config's fields), got '{path.name}'",
        )
    return config
