"""Gap: moto never deletes an `AWS::IAM::ManagedPolicy` with its stack; the policy stays
attached, so deleting the role it is attached to fails ("must detach all policies first")."""

from __future__ import annotations

from typing import Any

from moto.core.common_models import CloudFormationModel
from moto.iam.models import ManagedPolicy, iam_backends

from provisioner.emulator.extensions._patch import partition


class DeletableManagedPolicy(ManagedPolicy, CloudFormationModel):
    @classmethod
    def delete_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str
    ) -> None:
        # The stored template still holds unresolved Refs: detach by what IAM holds now.
        iam = iam_backends[account_id][partition(region_name)]
        arn = resource_name
        for role in list(iam.roles.values()):
            if arn in role.managed_policies:
                iam.detach_role_policy(arn, role.name)
        for group in list(iam.groups.values()):
            if arn in group.managed_policies:
                iam.detach_group_policy(arn, group.name)
        for user in list(iam.users.values()):
            if arn in user.managed_policies:
                iam.detach_user_policy(arn, user.name)
        iam.delete_policy(arn)
