"""What show-changes says of a stack set, read without a change set (deploy/stack_set_preview.py):
the resource diff of two templates, and what a deploy does to each instance."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from provisioner.deploy.records import ChangedTarget
from provisioner.deploy.stack_set_gateway import StackInstance
from provisioner.deploy.stack_set_preview import _instance_plan, resource_changes
from provisioner.deploy.stack_set_target import StackSetTarget


def resources(**bodies: Any) -> dict[str, Any]:
    return {"Resources": bodies}


def param(value: str, **extra: Any) -> dict[str, Any]:
    return {"Type": "AWS::SSM::Parameter", "Properties": {"Name": "/p", "Value": value}, **extra}


def test_resources_are_added_removed_and_modified_by_logical_id() -> None:
    old = resources(Kept=param("a"), Changed=param("a"), Gone=param("a"))
    new = resources(Kept=param("a"), Changed=param("b", DeletionPolicy="Retain"), New=param("a"))
    found = {(c.action, c.logical_id): c for c in resource_changes(old, new)}
    assert set(found) == {("Modify", "Changed"), ("Remove", "Gone"), ("Add", "New")}
    value = ChangedTarget("Properties", "Value", "")
    retain = ChangedTarget("DeletionPolicy", "", "")
    assert found[("Modify", "Changed")].targets == (value, retain)
    assert all(c.action == "Add" for c in resource_changes(None, new))


def instance(account: str, region: str, status: str = "CURRENT") -> StackInstance:
    return StackInstance(account, region, status, "SUCCEEDED", "", "")


def plan(instances: list[StackInstance], updating: bool, **target: Any) -> list[Any]:
    given: dict[str, Any] = {"permission_model": "SELF_MANAGED", "regions": ("r1", "r2"),
                             "accounts": ("A", "B")} | target  # fmt: skip
    sets: Any = SimpleNamespace(target=StackSetTarget(**given))
    return list(_instance_plan(sets, tuple(instances), updating))


def test_missing_targets_are_created_and_an_update_reaches_every_instance() -> None:
    have = [instance("A", "r1"), instance("B", "r1"), instance("C", "r1")]  # C: no longer named
    assert plan(have, updating=False) == [
        ("A", "r2", "create"), ("B", "r2", "create"),
        ("A", "r1", "unchanged"), ("B", "r1", "unchanged"), ("C", "r1", "untargeted")]  # fmt: skip
    assert [x for *_, x in plan(have, updating=True)][2:] == ["update", "update", "update"]


def test_an_ous_missing_regions_are_created() -> None:
    found = plan([instance("X", "r1")], updating=False, permission_model="SERVICE_MANAGED",
                 accounts=None, organizational_units=("ou-1",))  # fmt: skip
    assert found == [("", "r2", "create"), ("X", "r1", "unchanged")]
