"""File-system edge of the tool: finding configs and writing outputs atomically."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from provisioner.errors import InputError


def resolve_config_path(name: str, workdir: Path) -> Path:
    """A bare file name is looked up in ./configs/ (SPEC §4); anything with a slash is a path."""
    given = Path(name)
    candidates = [workdir / given] if given.parent != Path(".") else []
    if not candidates:
        candidates = [workdir / "configs" / given, workdir / given]
    if given.is_absolute():
        candidates = [given]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    looked = ", ".join(str(c) for c in candidates)
    raise InputError(name, f"config file not found (looked in: {looked})")


def write_atomic(path: Path, content: str | bytes) -> Path:
    """Write via a temp file in the same directory and rename: never a half-written file."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputError(
            str(path.parent), f"cannot write output directory: {exc.strerror}"
        ) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(str(path), f"cannot write file: {exc.strerror}") from exc
    return path


def check_writable(directory: Path) -> None:
    """Fail before any work if an output directory cannot be created or written."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(str(directory), f"cannot create output directory: {exc.strerror}") from exc
    if not os.access(directory, os.W_OK | os.X_OK):
        raise InputError(str(directory), "output directory is not writable")
