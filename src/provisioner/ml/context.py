"""What every ML component builder reads: the config, its names, its tags."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from provisioner.cfn.intrinsics import Json, get_att
from provisioner.cfn.tags import MANAGED_BY, tag_list, tag_map
from provisioner.config.ml import MlConfig, MlTier
from provisioner.config.sec import Persona
from provisioner.naming.ml import MlNames
from provisioner.naming.tenant import TenantNames
from provisioner.resource_types.registry import ml_plans

TOOL_NAME = "ml-provisioner"


@dataclass(frozen=True)
class MlContext:
    names: MlNames

    @property
    def config(self) -> MlConfig:
        return self.names.config

    @property
    def tier(self) -> MlTier:
        return self.config.tier

    def has(self, tier: MlTier) -> bool:
        return self.tier.includes(tier)

    def plans(self, cfn_type: str) -> bool:
        """Whether the config's tier holds resources of `cfn_type` (resource_types/)."""
        return ml_plans(self.tier, cfn_type)

    @property
    def retain(self) -> bool:
        """Data-bearing resources are retained on delete in prod (SPEC §1.4); a test-deploy's
        copy is cleaned up entirely, so it retains nothing."""
        return self.config.is_prod and self.names.suffix is None

    @cached_property
    def tags(self) -> dict[str, str]:
        c = self.config
        own = {
            "company": c.company_prefix,
            "env": c.env,
            "tenant": c.tenant_id,
            "use-case": c.use_case,
            # The owning SEC team: its personas reach the use case by this tag.
            "team": c.team,
            "tier": c.tier.value,
            MANAGED_BY: TOOL_NAME,
        }
        return {**c.tags, **own}

    @property
    def tag_list(self) -> list[dict[str, str]]:
        return tag_list(self.tags)

    @property
    def tag_map(self) -> dict[str, str]:
        return tag_map(self.tags)

    def named_tag_list(self, name: str) -> list[dict[str, str]]:
        return tag_list({**self.tags, "Name": name})

    # -- shared facts between components -----------------------------------------------
    @property
    def artifact_bucket(self) -> str:
        if self.config.artifact_bucket is not None:
            return self.config.artifact_bucket
        return self.names.artifacts_bucket

    @property
    def artifact_bucket_arn(self) -> str:
        return self.names.s3_arn(self.artifact_bucket)

    @property
    def artifact_reader_arns(self) -> list[str]:
        """The owning team's persona roles that read artifacts (docs/sec-permission-model.md:
        data scientists, and ML engineers, who can do all a data scientist can). The ML stack
        grants them by name in the bucket and key policies, since the bucket's tags are not
        evaluated for object reads and its name does not carry the team."""
        tenant = TenantNames.of(self.config)
        readers = (Persona.DATA_SCIENTIST, Persona.ML_ENGINEER)
        return [tenant.persona_role_arn(self.config.team, p.short) for p in readers]

    @property
    def kms_key_arn(self) -> Json | None:
        return get_att("EncryptionKey", "Arn") if self.plans("AWS::KMS::Key") else None

    def kms_use_statement(self) -> list[dict[str, Json]]:
        """Roles that touch encrypted artifacts may use the tier's key (enterprise only)."""
        if self.kms_key_arn is None:
            return []
        return [
            {
                "Sid": "UseArtifactKey",
                "Effect": "Allow",
                "Action": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"],
                "Resource": self.kms_key_arn,
            }
        ]
