"""Reading a YAML config into plain data, with line numbers in every syntax error.

Bounded on every axis before any value is built, so that no input hangs or eats memory: the
file's size, how many values it holds with every alias expanded (an alias "bomb" of a few
hundred bytes expands to billions), how deep it nests, and no alias that contains itself.
The largest config any tier allows holds about 700 values, 25 KB, nested 5 deep.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from provisioner.errors import InputError
from provisioner.files import non_regular_kind

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_CONFIG_BYTES = 1024 * 1024
MAX_VALUES = 10_000  # keys, values and list items, every alias expanded
MAX_DEPTH = 32
MERGE_TAG = "tag:yaml.org,2002:merge"


class _StrictLoader(_Loader):  # type: ignore[valid-type,misc]
    """SafeLoader that rejects duplicate keys instead of silently keeping the last one, and
    applies merge keys (`<<: *base`) itself: the keys written beside `<<` win over the merged
    ones, and of several merged mappings (`<<: [*a, *b]`) the earlier wins (YAML 1.1)."""


def _where(node: yaml.Node) -> str:
    mark = node.start_mark
    return f"line {mark.line + 1}, column {mark.column + 1}"


def _merged(loader: yaml.SafeLoader, key: yaml.Node, node: yaml.Node) -> dict[Any, Any]:
    sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
    merged: dict[Any, Any] = {}
    for source in sources:
        if not isinstance(source, yaml.MappingNode):
            raise yaml.constructor.ConstructorError(
                None,
                None,
                "a merge key '<<' takes a mapping or a list of mappings, e.g. '<<: *defaults'",
                key.start_mark,
            )
        for key, value in loader.construct_object(source, deep=True).items():
            merged.setdefault(key, value)
    return merged


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: dict[Any, Any] = {}
    merged: dict[Any, Any] = {}
    merge_seen = False
    for key_node, value_node in node.value:
        if key_node.tag == MERGE_TAG:
            if merge_seen:
                raise yaml.constructor.ConstructorError(
                    None, None, "duplicate merge key '<<'", key_node.start_mark
                )
            merge_seen = True
            merged = _merged(loader, key_node, value_node)
            continue
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise yaml.constructor.ConstructorError(
                None, None, f"mapping keys must be strings, got {key!r:.60}", key_node.start_mark
            )
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen[key] = loader.construct_object(value_node, deep=True)
    return {**merged, **seen}


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _shape_problem(root: yaml.Node) -> str | None:
    """Why the document is too big or too deep once its aliases are expanded, or None.

    Aliases share nodes, so the graph is walked once (without recursion) and each node's
    expanded size and depth computed from its children's.
    """
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    on_path: set[int] = set()
    todo: list[tuple[yaml.Node, bool]] = [(root, False)]
    while todo:
        node, children_done = todo.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            kids = _children(node)
            size[key] = 1 + sum(size[id(k)] for k in kids)
            depth[key] = 1 + max((depth[id(k)] for k in kids), default=0)
            continue
        if key in size:
            continue
        if key in on_path:
            return f"the value anchored at {_where(node)} contains an alias of itself"
        on_path.add(key)
        todo.append((node, True))
        todo += [(kid, False) for kid in _children(node) if id(kid) not in size]
    if size[id(root)] > MAX_VALUES:
        return (
            f"holds {size[id(root)]:,} values once its aliases are expanded; a config holds "
            f"at most {MAX_VALUES:,} (write each value out, or share less through aliases)"
        )
    if depth[id(root)] > MAX_DEPTH:
        return f"nests {depth[id(root)]} levels deep; a config nests at most {MAX_DEPTH}"
    return None


def _read_text(path: Path) -> str:
    """The file's text; never blocks on a pipe or device, never reads more than the limit."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError as exc:
        raise InputError(str(path), "config file not found") from exc
    except IsADirectoryError as exc:
        raise InputError(str(path), "is a directory, not a config file") from exc
    except OSError as exc:
        raise InputError(str(path), f"cannot read config file: {exc.strerror}") from exc
    kind = non_regular_kind(os.fstat(fd).st_mode)
    if kind is not None:
        os.close(fd)
        raise InputError(str(path), f"is {kind}, not a config file (a regular YAML file)")
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read(MAX_CONFIG_BYTES + 1)
        except OSError as exc:
            raise InputError(str(path), f"cannot read config file: {exc.strerror}") from exc
    if len(data) > MAX_CONFIG_BYTES:
        raise InputError(
            str(path), f"config file is over {MAX_CONFIG_BYTES // 1024:,} KiB; is it a config?"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(str(path), "config file is not UTF-8 text") from exc


def _syntax_error(path: Path, exc: yaml.YAMLError) -> InputError:
    if not isinstance(exc, yaml.MarkedYAMLError):
        return InputError(str(path), f"malformed YAML: {exc}")
    mark = exc.problem_mark
    where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown position"
    detail = f"malformed YAML at {where}: {exc.problem}"
    if exc.context and exc.context_mark:
        start = exc.context_mark
        detail += (
            f" ({exc.context} that starts at line {start.line + 1}, column {start.column + 1})"
        )
    return InputError(str(path), detail)


def load_yaml_mapping(path: Path) -> dict[str, Any]:
    """Load a YAML file whose top level must be a mapping."""
    text = _read_text(path)
    loader = _StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise InputError(str(path), "config file is empty")
        problem = _shape_problem(node)
        if problem is not None:
            raise InputError(str(path), problem)
        data = loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise _syntax_error(path, exc) from exc
    finally:
        loader.dispose()
    if data is None:
        raise InputError(str(path), "config file is empty")
    if not isinstance(data, dict):
        kind = type(data).__name__
        raise InputError(str(path), f"top level must be a mapping of fields, got a {kind}")
    return data
