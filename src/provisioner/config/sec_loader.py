"""Loading a SEC provisioner config file: its fields, nothing planned. Its derived names depend
on how its teams are laid out over stacks, so they are checked on the plan
(sec/plan_checks.py)."""

from __future__ import annotations

from pathlib import Path

from provisioner.config.loader import load_config
from provisioner.config.sec import SecConfig
from provisioner.naming.sec import config_file_stem


def load_sec_config(path: Path) -> SecConfig:
    return load_config(path, SecConfig, config_file_stem)
