"""The customer-managed KMS key (enterprise): rotation on, with an alias."""

from __future__ import annotations

from provisioner.cfn.intrinsics import ref
from provisioner.cfn.template import PlannedResource
from provisioner.ml.context import MlContext
from provisioner.naming.arn import ASSIGNED_ID


def build(ctx: MlContext) -> list[PlannedResource]:
    n = ctx.names
    account, region = n.account, n.region
    key_policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                # The account must keep control of its key, or the key becomes unmanageable.
                "Sid": "AccountAdministers",
                "Effect": "Allow",
                "Principal": {"AWS": n.iam_arn("root")},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "LogsEncryptOwnLogGroups",
                "Effect": "Allow",
                "Principal": {"Service": n.partition.regional_service("logs", region)},
                "Action": [
                    "kms:Decrypt",
                    "kms:DescribeKey",
                    "kms:Encrypt",
                    "kms:GenerateDataKey",
                    "kms:ReEncryptFrom",
                    "kms:ReEncryptTo",
                ],
                "Resource": "*",
                "Condition": {
                    "ArnLike": {
                        "kms:EncryptionContext:aws:logs:arn": n.regional_arn(
                            "logs", f"log-group:{n.path_root}/*"
                        )
                    }
                },
            },
            {
                "Sid": "EventBridgePublishesToTopics",
                "Effect": "Allow",
                "Principal": {"Service": "events.amazonaws.com"},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:SourceAccount": account}},
            },
            {
                # The owning team's readers of the artifacts bucket decrypt its objects, and
                # only through S3 (kms:ViaService), never the key directly.
                "Sid": "OwningTeamDecryptsArtifacts",
                "Effect": "Allow",
                "Principal": "*",
                "Action": "kms:Decrypt",
                "Resource": "*",
                "Condition": {
                    "ArnEquals": {"aws:PrincipalArn": ctx.artifact_reader_arns},
                    "StringEquals": {"kms:ViaService": n.partition.regional_service("s3", region)},
                },
            },
        ],
    }
    alias = n.kms_alias
    return [
        PlannedResource(
            logical_id="EncryptionKey",
            type="AWS::KMS::Key",
            properties={
                "Description": f"Encrypts artifacts, logs and topics of {n.ml_name}",
                "EnableKeyRotation": True,
                "KeyPolicy": key_policy,
                "Tags": ctx.tag_list,
            },
            physical_name=f"(key id assigned by AWS; alias {alias})",
            arn=n.regional_arn("kms", f"key/{ASSIGNED_ID}"),
            retain=ctx.retain,
            description="Customer-managed key, yearly rotation",
        ),
        PlannedResource(
            logical_id="EncryptionKeyAlias",
            type="AWS::KMS::Alias",
            properties={"AliasName": alias, "TargetKeyId": ref("EncryptionKey")},
            physical_name=alias,
            arn=n.regional_arn("kms", alias),
            description="Alias of the key",
        ),
    ]
