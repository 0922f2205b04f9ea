"""Reading a YAML config into plain data, with line numbers in every syntax error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from provisioner.errors import InputError

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_Loader):  # type: ignore[valid-type,misc]
    """SafeLoader that rejects duplicate keys instead of silently keeping the last one."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise yaml.constructor.ConstructorError(
                None, None, f"mapping keys must be strings, got {key!r}", key_node.start_mark
            )
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen[key] = loader.construct_object(value_node, deep=True)
    return seen


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def load_yaml_mapping(path: Path) -> dict[str, Any]:
    """Load a YAML file whose top level must be a mapping."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError(str(path), "config file not found") from exc
    except UnicodeDecodeError as exc:
        raise InputError(str(path), "config file is not UTF-8 text") from exc
    except OSError as exc:
        raise InputError(str(path), f"cannot read config file: {exc.strerror}") from exc
    try:
        data = yaml.load(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
        detail = f"malformed YAML at {where}: {exc.problem}"
        if exc.context and exc.context_mark:
            start = exc.context_mark
            detail += (
                f" ({exc.context} that starts at line {start.line + 1}, column {start.column + 1})"
            )
        raise InputError(str(path), detail) from exc
    except yaml.YAMLError as exc:
        raise InputError(str(path), f"malformed YAML: {exc}") from exc
    if data is None:
        raise InputError(str(path), "config file is empty")
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise InputError(str(path), f"top level must be a mapping of fields, got a {kind}")
    return data
