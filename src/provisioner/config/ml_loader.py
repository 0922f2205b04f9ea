"""Loading an ML provisioner config file: its fields and derived names, nothing planned
(what the plan would break is checked on the plan: ml/plan_checks.py)."""

from __future__ import annotations

from pathlib import Path

from provisioner.config.loader import load_config
from provisioner.config.ml import MlConfig
from provisioner.naming.ml import config_file_stem, name_problems


def load_ml_config(path: Path) -> MlConfig:
    return load_config(path, MlConfig, config_file_stem, name_problems)
