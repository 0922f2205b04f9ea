"""Loading an ML provisioner config file: its fields, nothing planned (derived names and
what else the plan would break are checked on the plan: ml/plan_checks.py)."""

from __future__ import annotations

from pathlib import Path

from provisioner.config.loader import load_config
from provisioner.config.ml import MlConfig
from provisioner.naming.ml import config_file_stem


def load_ml_config(path: Path) -> MlConfig:
    return load_config(path, MlConfig, config_file_stem)
