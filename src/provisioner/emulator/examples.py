"""Making a config file deployable in the emulator (used by the tests, the lifecycle demo and
the deploy benchmark): its account, and the VPC an enterprise ML config names."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

EMULATOR_ACCOUNT = "123456789012"  # moto's default account


def use_account(config: Path, account: str = EMULATOR_ACCOUNT) -> None:
    text = config.read_text()
    config.write_text(re.sub(r'account_id: "\d{12}"', f'account_id: "{account}"', text, count=1))


def create_network(config: Path, ec2: Any) -> None:
    """Create the VPC and one subnet per subnet the config names; point the config at them."""
    text = config.read_text()
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    text = re.sub(r"vpc-[0-9a-f]+", vpc, text)
    for index, old in enumerate(re.findall(r"subnet-[0-9a-f]+", text), 1):
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{index}.0/24")
        text = text.replace(old, subnet["Subnet"]["SubnetId"], 1)
    config.write_text(text)


def add_tag(config: Path, key: str, value: str) -> None:
    """A harmless edit for show-changes to find."""
    text = config.read_text()
    if "\ntags:\n" in text:
        text = text.replace("\ntags:\n", f"\ntags:\n  {key}: {value}\n", 1)
    else:
        text += f"\ntags:\n  {key}: {value}\n"
    config.write_text(text)
