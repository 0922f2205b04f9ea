"""The moto releases the emulator is built for, checked before it starts.

The extensions patch moto's private internals (replaced methods, properties, private
attributes), which moto changes between minor releases without notice: on another release the
drift shows up not as an error but as a realistic-looking CREATE_FAILED rollback. So the
emulator refuses to start on a moto outside the series it was tested with, and says which it
needs. pyproject.toml pins the same requirement (a test keeps the two equal).
"""

from __future__ import annotations

import re
from importlib import metadata

# PEP 440's compatible release: at least this version, within its minor series.
REQUIRED_MOTO = "~=5.2.5"


class MotoVersionError(Exception):
    """The installed moto is not one the emulator's extensions were written against."""


def _release(version: str) -> tuple[int, ...]:
    """The leading release numbers of a version (5.2.5.dev1 → (5, 2, 5))."""
    found = re.match(r"\d+(?:\.\d+)*", version)
    return tuple(int(part) for part in found.group(0).split(".")) if found else ()


def is_compatible(installed: str, required: str = REQUIRED_MOTO) -> bool:
    floor = _release(required.removeprefix("~="))
    release = _release(installed)
    return release >= floor and release[: len(floor) - 1] == floor[:-1]


# How to get moto, for a pip user and in the source tree alike.
INSTALL_LOCAL = (
    "install the package with its `local` extra: pip install 'ml-sec-provisioner[local]' "
    "(from a wheel: pip install 'WHEEL.whl[local]'; in the source tree: pip install '.[local]')"
)


def installed_moto() -> str | None:
    """moto's version as installed, None if it is not."""
    try:
        return metadata.version("moto")
    except metadata.PackageNotFoundError:
        return None


def check_moto() -> None:
    """Raise MotoVersionError unless the installed moto is one the emulator supports."""
    installed = installed_moto()
    if installed is None:
        raise MotoVersionError(
            f"the emulator needs moto{REQUIRED_MOTO}, which is not installed; {INSTALL_LOCAL}"
        )
    if not is_compatible(installed):
        raise MotoVersionError(
            f"the emulator needs moto{REQUIRED_MOTO} (its extensions patch moto's internals, "
            f"which change between releases), but moto {installed} is installed; install "
            f"the supported one: pip install 'moto[server]{REQUIRED_MOTO}'"
        )
