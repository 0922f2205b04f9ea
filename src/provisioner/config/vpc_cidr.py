"""What AWS accepts as a VPC's IPv4 CIDR block, each broken rule with its own message.

The endpoints' security group admits HTTPS from `vpc_cidr`: `0.0.0.0/0` would open them to
any address, and a block with host bits set (`10.20.3.4/16`) is refused by cfn-lint.
"""

from __future__ import annotations

import ipaddress
import re

VPC_MIN_PREFIX = 16
VPC_MAX_PREFIX = 28

# ASCII digits only, decimal prefix only: `ipaddress` would also take a netmask
# (`10.0.0.0/255.255.0.0`) or no prefix at all (a single address, /32).
_CIDR_FORM = re.compile(r"[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}/[0-9]{1,2}")


def vpc_cidr_problems(value: str) -> list[str]:
    """Empty when `value` is a block a VPC can have: an IPv4 network address with no host
    bits set, a prefix from /16 to /28, and unicast address space."""
    if not _CIDR_FORM.fullmatch(value):
        return [
            f"{value!r} is not an IPv4 CIDR block written as a.b.c.d/n "
            "(ASCII digits, a decimal prefix length)"
        ]
    try:
        interface = ipaddress.IPv4Interface(value)
    except ValueError as exc:
        return [f"{value!r} is not a valid IPv4 CIDR block: {exc}"]
    network = interface.network
    problems = []
    if interface.ip != network.network_address:
        problems.append(
            f"{value!r} has host bits set; the network address of that block is {network}"
        )
    if not VPC_MIN_PREFIX <= network.prefixlen <= VPC_MAX_PREFIX:
        problems.append(
            f"/{network.prefixlen} is not a VPC's size: AWS allows prefix lengths from "
            f"/{VPC_MIN_PREFIX} to /{VPC_MAX_PREFIX}"
        )
    if _not_unicast(network):
        problems.append(
            f"{network} is not unicast address space (unspecified, loopback, link-local, "
            "multicast or reserved); a VPC cannot use it"
        )
    return problems


def _not_unicast(network: ipaddress.IPv4Network) -> bool:
    return any(
        (
            network.overlaps(ipaddress.IPv4Network("0.0.0.0/8")),
            network.is_loopback,
            network.is_link_local,
            network.is_multicast,
            network.is_reserved,
        )
    )
