"""What each config of a selection is: which tool takes it, and which tenant it belongs to.

Read from the YAML alone, before (and whatever) validation says: a config that fails
validation still has a place in the order, and its own run says what is wrong with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from provisioner.cli.wrong_tool import other_tools_fields
from provisioner.errors import InputError
from provisioner.files import resolve_config_path
from provisioner.yaml_loader import load_yaml_mapping

ToolName = Literal["ml-provisioner", "sec-provisioner"]
ML: ToolName = "ml-provisioner"
SEC: ToolName = "sec-provisioner"
# The fields that place a config in a tenant (CommonConfig's): one tenant, region and account.
_TENANT_FIELDS = ("company_prefix", "env", "tenant_id", "region", "account_id")


@dataclass(frozen=True)
class Member:
    config: str  # as --config names it
    tool: ToolName | None  # None: neither tool's (its own run says why)
    tenant: str | None  # `{prefix}-{env}-{tenant}-{region}@{account}`; None when unreadable

    @property
    def stem(self) -> str:
        return Path(self.config).stem


def _tenant_of(data: dict[str, object]) -> str | None:
    values = [data.get(name) for name in _TENANT_FIELDS]
    if not all(isinstance(v, str | int) and str(v) for v in values):
        return None
    *names, account = (str(v) for v in values)
    return f"{'-'.join(names)}@{account}"


def _models() -> tuple[type[BaseModel], type[BaseModel]]:
    from provisioner.config.ml import MlConfig
    from provisioner.config.sec import SecConfig

    return MlConfig, SecConfig


def _tool_of(data: dict[str, object]) -> ToolName | None:
    ml_model, sec_model = _models()
    if other_tools_fields(data, ml_model, sec_model):
        return SEC
    if other_tools_fields(data, sec_model, ml_model):
        return ML
    return None


def read_member(config: str, cwd: Path, tool: ToolName | None = None) -> Member:
    """The config's member: its tool told from the fields only one tool's config has, else
    `tool`, the tool the run is for (None for the estate entry point: neither tool's)."""
    try:
        data = load_yaml_mapping(resolve_config_path(config, cwd))
    except InputError:
        return Member(config, tool, None)
    return Member(config, _tool_of(data) or tool, _tenant_of(data))
