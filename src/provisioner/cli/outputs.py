"""Writing a set of output files: check every directory first, then write each atomically."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from provisioner.files import check_writable, write_atomic


def write_all(files: Mapping[Path, str]) -> list[Path]:
    for directory in sorted({p.parent for p in files}):
        check_writable(directory)
    return [write_atomic(path, content) for path, content in files.items()]


def remove_stale(directory: Path, pattern: str, keep: set[Path]) -> list[Path]:
    """Earlier outputs of the same name family that this run did not write again."""
    removed = []
    if directory.is_dir():
        for path in sorted(directory.glob(pattern)):
            if path not in keep:
                path.unlink()
                removed.append(path)
    return removed
