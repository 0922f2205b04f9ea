"""Gap: moto's CloudFormation skips `AWS::IAM::Group` silently (the stack still completes)."""

from __future__ import annotations

import json
from typing import Any, ClassVar

from moto.core.common_models import CloudFormationModel
from moto.iam.models import iam_backends

from provisioner.emulator.extensions._adapter import Adapter
from provisioner.emulator.extensions._patch import partition


class IamGroup(Adapter, CloudFormationModel):
    attributes: ClassVar[dict[str, str]] = {"Arn": "arn"}
    create_only: ClassVar[frozenset[str]] = frozenset({"GroupName"})

    @staticmethod
    def cloudformation_name_type() -> str:
        return "GroupName"

    @staticmethod
    def cloudformation_type() -> str:
        return "AWS::IAM::Group"

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> IamGroup:
        props = cloudformation_json.get("Properties", {})
        iam = iam_backends[account_id][partition(region_name)]
        group = iam.create_group(resource_name, props.get("Path", "/"))
        created = cls(resource_name, account_id, region_name, arn=group.arn)
        created.apply(props)
        created.facts["properties"] = props
        return created

    def apply(self, properties: dict[str, Any]) -> bool:
        # In place: members added outside the stack stay in the group, as in AWS.
        iam = iam_backends[self.account_id][partition(self.region_name)]
        group = iam.get_group(self.name)
        group.path = properties.get("Path", "/")
        declared = {p["PolicyName"]: p["PolicyDocument"] for p in properties.get("Policies", [])}
        for name in set(group.policies) - set(declared):
            iam.delete_group_policy(self.name, name)
        for name, document in declared.items():
            text = document if isinstance(document, str) else json.dumps(document)
            iam.put_group_policy(self.name, name, text)
        before = set(self.properties.get("ManagedPolicyArns", []))
        after = set(properties.get("ManagedPolicyArns", []))
        for arn in before - after:
            if arn in group.managed_policies:
                iam.detach_group_policy(arn, self.name)
        for arn in after - set(group.managed_policies):
            iam.attach_group_policy(arn, self.name)
        return True

    def delete(self, account_id: str, region_name: str) -> None:
        iam = iam_backends[account_id][partition(region_name)]
        group = iam.get_group(self.name)
        for policy_name in list(group.policies):
            iam.delete_group_policy(self.name, policy_name)
        for arn in list(group.managed_policies):
            iam.detach_group_policy(arn, self.name)
        iam.delete_group(self.name)
