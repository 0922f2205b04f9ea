"""File-system edge of the tool: finding configs and writing outputs atomically."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import stat
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from provisioner.errors import InputError


def non_regular_kind(mode: int) -> str | None:
    """What a file of this mode is, if it is not a regular file: a config must be one."""
    if stat.S_ISREG(mode):
        return None
    kinds = [
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISSOCK, "a socket"),
    ]
    return next((name for test, name in kinds if test(mode)), "not a regular file")


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
    for candidate in candidates:
        try:
            kind = non_regular_kind(candidate.stat().st_mode)
        except OSError:
            continue
        raise InputError(str(candidate), f"is {kind}, not a config file (a regular YAML file)")
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


def _stage(path: Path, data: bytes) -> Path:
    """The content in a temp file beside its target, ready to be renamed over it."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def _backup_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{secrets.token_hex(6)}.bak")


def _keep_copy(path: Path) -> Path:
    """A second name for the file about to be replaced, so it stays readable until the rename
    and can be put back; a copy where the file system has no hard links."""
    backup = _backup_name(path)
    try:
        os.link(path, backup)
    except OSError:
        shutil.copy2(path, backup)
    return backup


def _created_directories(directories: Iterable[Path]) -> list[Path]:
    """Directories that do not exist yet, deepest first: what a failed write must remove."""
    missing: set[Path] = set()
    for directory in directories:
        for candidate in (directory, *directory.parents):
            if candidate.exists():
                break
            missing.add(candidate)
    return sorted(missing, key=lambda d: len(d.parts), reverse=True)


def write_files(files: Mapping[Path, str | bytes], remove: Iterable[Path] = ()) -> list[Path]:
    """Write every file and remove every `remove` path, or change nothing.

    All contents go to temp files first; only then is each renamed over its target, an
    existing target kept under a second name until the end. If anything fails, the targets
    already placed get their old content back (or go, if new), removed files return, and
    temp files and new directories are deleted.
    """
    doomed = list(remove)
    for path in [*files, *doomed]:
        if path.is_dir():
            raise InputError(str(path), "is a directory, where this action writes a file")
    new_directories = _created_directories({p.parent for p in files})
    try:
        for directory in sorted({p.parent for p in files}):
            check_writable(directory)
    except InputError:
        _roll_back([], [], new_directories)
        raise
    staged: dict[Path, Path] = {}
    undo: list[tuple[Path, Path | None]] = []  # (target, its old content's backup or None)
    current = Path()
    try:
        for path, content in files.items():
            current = path
            data = content.encode("utf-8") if isinstance(content, str) else content
            staged[path] = _stage(path, data)
        for path in doomed:
            current = path
            aside = _backup_name(path)
            os.replace(path, aside)
            undo.append((path, aside))
        for path, tmp in staged.items():
            current = path
            undo.append((path, _keep_copy(path) if path.exists() else None))
            os.replace(tmp, path)
    except OSError as exc:
        _roll_back(undo, staged.values(), new_directories)
        raise InputError(
            str(current), f"cannot write output: {exc.strerror or exc}; nothing was changed"
        ) from exc
    for _, kept in undo:
        if kept is not None:
            with contextlib.suppress(OSError):
                kept.unlink(missing_ok=True)
    return list(files)


def _roll_back(
    undo: list[tuple[Path, Path | None]], temps: Iterable[Path], directories: list[Path]
) -> None:
    """Best effort: each step on its own, so that one failure does not stop the rest."""
    for path, backup in reversed(undo):
        with contextlib.suppress(OSError):
            if backup is not None:
                os.replace(backup, path)
                # A rename between two links of one file does nothing (POSIX): the target was
                # never replaced, and its second name is left to remove.
                backup.unlink(missing_ok=True)
            elif path.is_file():
                path.unlink()
    for tmp in temps:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
    for directory in directories:
        with contextlib.suppress(OSError):
            directory.rmdir()
