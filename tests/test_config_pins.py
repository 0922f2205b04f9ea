"""Exact messages and boundaries of the config validators, where a looser test let a mutant
survive (scripts/mutation, docs/mutation-testing.md)."""

from __future__ import annotations

import pytest

from provisioner.config.git_branch import branch_name_problems
from provisioner.config.vpc_cidr import vpc_cidr_problems

NOT_UNICAST = (
    "is not unicast address space (unspecified, loopback, link-local, multicast or reserved); "
    "a VPC cannot use it"
)


@pytest.mark.parametrize(
    ("cidr", "problems"),
    [
        (
            "10.0.0.0",
            [
                "'10.0.0.0' is not an IPv4 CIDR block written as a.b.c.d/n "
                "(ASCII digits, a decimal prefix length)"
            ],
        ),
        (
            "10.20.3.4/16",
            ["'10.20.3.4/16' has host bits set; the network address of that block is 10.20.0.0/16"],
        ),
        ("10.0.0.0/15", ["/15 is not a VPC's size: AWS allows prefix lengths from /16 to /28"]),
        ("10.0.0.0/29", ["/29 is not a VPC's size: AWS allows prefix lengths from /16 to /28"]),
        ("127.0.0.0/16", [f"127.0.0.0/16 {NOT_UNICAST}"]),
        ("0.0.0.0/16", [f"0.0.0.0/16 {NOT_UNICAST}"]),
        ("169.254.0.0/16", [f"169.254.0.0/16 {NOT_UNICAST}"]),
        ("224.0.0.0/16", [f"224.0.0.0/16 {NOT_UNICAST}"]),
        ("240.0.0.0/16", [f"240.0.0.0/16 {NOT_UNICAST}"]),
    ],
)
def test_vpc_cidr_messages_in_full(cidr: str, problems: list[str]) -> None:
    assert vpc_cidr_problems(cidr) == problems


# AWS: a VPC's IPv4 block is /16 (65,536 addresses) to /28 (16 addresses).
@pytest.mark.parametrize("prefix", [16, 28])
def test_vpc_prefix_lengths_at_awss_limits_are_accepted(prefix: int) -> None:
    assert vpc_cidr_problems(f"10.0.0.0/{prefix}") == []


def test_a_prefix_ipaddress_refuses_is_reported_with_its_reason() -> None:
    (problem,) = vpc_cidr_problems("10.0.0.0/33")
    assert problem.startswith("'10.0.0.0/33' is not a valid IPv4 CIDR block: ")
    assert "netmask" in problem


def test_every_vpc_rule_a_block_breaks_is_reported() -> None:
    assert vpc_cidr_problems("127.0.0.1/8") == [
        "'127.0.0.1/8' has host bits set; the network address of that block is 127.0.0.0/8",
        "/8 is not a VPC's size: AWS allows prefix lengths from /16 to /28",
        f"127.0.0.0/8 {NOT_UNICAST}",
    ]


@pytest.mark.parametrize(
    ("branch", "problems"),
    [
        ("", ["a git branch name cannot be empty"]),
        ("@", ["'@' alone is not a valid git branch name"]),
        ("HEAD", ["'HEAD' is not a valid git branch name"]),
        ("-a", ["a git branch name cannot begin with '-'"]),
        ("a..b", ["a git branch name cannot contain '..'"]),
        ("a@{1}", ["a git branch name cannot contain '@{'"]),
        ("a\x1fb", ["a git branch name cannot contain ASCII control characters"]),
        ("a\x7fb", ["a git branch name cannot contain ASCII control characters"]),
        ("a b~c", ["a git branch name cannot contain space, '~'"]),
        ("a\\b", ["a git branch name cannot contain '\\\\'"]),
        ("/a", ["a git branch name cannot begin or end with '/'"]),
        ("a/", ["a git branch name cannot begin or end with '/'"]),
        ("a//b", ["a git branch name cannot contain '//'"]),
        ("a.", ["a git branch name cannot end with '.'"]),
        ("a/.b", ["no '/'-separated part of a git branch name can begin with '.'"]),
        ("a.lock/b", ["no '/'-separated part of a git branch name can end with '.lock'"]),
    ],
)
def test_branch_messages_in_full(branch: str, problems: list[str]) -> None:
    assert branch_name_problems(branch) == problems
