"""Writing the set of files one action outputs: all of them, or none."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from provisioner.errors import InputError
from provisioner.files import write_files


def write_all(files: Mapping[Path, str], remove: Iterable[Path] = ()) -> list[Path]:
    """Write every file (and remove the `remove` paths) or, if any step fails, change nothing."""
    return write_files(files, remove)


def stale_outputs(directory: Path, pattern: str, keep: Iterable[Path]) -> list[Path]:
    """Earlier outputs of the same name family that this run will not write again."""
    kept = set(keep)
    found = (
        sorted(p for p in directory.glob(pattern) if p not in kept) if directory.is_dir() else []
    )
    for path in found:
        if path.is_dir():
            raise InputError(
                str(path),
                "is a directory where an earlier output file of this name would be replaced; "
                "move it away",
            )
    return found
