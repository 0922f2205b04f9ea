"""Run-time settings of the emulator, changeable while it runs (tests flip them)."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass
class EmulatorSettings:
    # Seconds each resource takes to create, update or delete. 0: synchronous, as moto is;
    # above 0: stacks pass through *_IN_PROGRESS in a background thread, as in AWS.
    resource_delay: float = float(os.environ.get("PROVISIONER_EMULATOR_RESOURCE_DELAY", "0"))


SETTINGS = EmulatorSettings()
