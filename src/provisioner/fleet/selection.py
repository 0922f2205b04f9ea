"""Which configs a run covers: `--config` given once or more, each a file or a glob, and
`--config-dir DIR` (its *.yaml and *.yml files, not its subdirectories)."""

from __future__ import annotations

import glob
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from provisioner.errors import InputError
from provisioner.files import non_regular_kind, resolve_config_path

_GLOB_CHARS = frozenset("*?[")
CONFIG_SUFFIXES = (".yaml", ".yml")


def is_pattern(given: str) -> bool:
    return any(char in _GLOB_CHARS for char in given)


def _expand(pattern: str, cwd: Path) -> list[str]:
    """A glob's matching files, as paths relative to `cwd` when the pattern was relative. A bare
    pattern (no slash) is looked up in ./configs/ first, as a bare file name is (SPEC §4)."""
    given = Path(pattern)
    roots = [cwd] if given.is_absolute() or given.parent != Path(".") else [cwd / "configs", cwd]
    for root in roots:
        found = sorted(glob.glob(str(root / pattern)))
        files = [f for f in found if Path(f).is_file()]
        if files:
            prefix = "" if given.is_absolute() else f"{root.relative_to(cwd)}/"
            prefix = "" if prefix == "./" else prefix
            return [f if given.is_absolute() else prefix + str(Path(f).relative_to(root))
                    for f in files]  # fmt: skip
    looked = ", ".join(str(root / pattern) for root in roots)
    raise InputError(pattern, f"matches no config file (looked for: {looked})")


def _directory(given: str, cwd: Path) -> list[str]:
    path = cwd / given
    try:
        kind = non_regular_kind(path.stat().st_mode)
    except OSError as exc:
        raise InputError("--config-dir", f"{given}: {exc.strerror or 'cannot be read'}") from None
    if kind != "a directory":
        raise InputError("--config-dir", f"{given} is {kind or 'a file'}, not a directory")
    files = sorted(p for p in path.iterdir() if p.suffix in CONFIG_SUFFIXES and p.is_file())
    if not files:
        raise InputError(
            "--config-dir", f"{given} holds no config file ({' or '.join(CONFIG_SUFFIXES)})"
        )
    return [str(Path(given) / p.name) for p in files]


def select_configs(given: Sequence[str], config_dir: str | None, cwd: Path) -> list[str]:
    """Every config the run covers, as `--config` would name each, in a stable order and each
    once (the same file given twice, or matched by two patterns, is run once)."""
    chosen: list[str] = []
    for value in given:
        chosen.extend(_expand(value, cwd) if is_pattern(value) else [value])
    if config_dir is not None:
        chosen.extend(_directory(config_dir, cwd))
    unique: dict[Path, str] = {}
    for value in chosen:
        try:
            key = resolve_config_path(value, cwd).resolve()
        except InputError:  # its own run says what is wrong with it
            key = Path(value)
        unique.setdefault(key, value)
    return list(unique.values())


@dataclass(frozen=True)
class Selection:
    """The configs as the command line names them, before they are looked up."""

    configs: tuple[str, ...]
    config_dir: str | None

    @property
    def is_many(self) -> bool:
        """A selection, not one config named once: a run over several configs."""
        return (
            self.config_dir is not None
            or len(self.configs) > 1
            or any(is_pattern(v) for v in self.configs)
        )

    def resolve(self, cwd: Path) -> list[str]:
        return select_configs(self.configs, self.config_dir, cwd)

    @property
    def shown(self) -> str:
        """How the document of a refused run names what it was given."""
        given = [*self.configs, *([f"--config-dir {self.config_dir}"] if self.config_dir else [])]
        return " ".join(given)
