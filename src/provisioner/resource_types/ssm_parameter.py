"""`AWS::SSM::Parameter`: what each stack publishes for the next (names, ARNs) and the tenant's
published boundary ARNs; both tools, every tier."""

from __future__ import annotations

from provisioner.aws_limits import NameKind
from provisioner.config.ml import MlTier
from provisioner.resource_types.record import Emulation, ResourceType, StatementGrant
from provisioner.resource_types.smoke import Declared, ServiceReads, expect


def smoke(reads: ServiceReads, r: Declared) -> str:
    value = reads.get_parameter(r.name("Name"))
    declared = r.literal("Value")
    expect(declared is None or value == declared, f"value {value!r}, declared {declared!r}")
    return f"value {value}"


RESOURCE_TYPE = ResourceType(
    cfn_type="AWS::SSM::Parameter",
    label="SSM parameter",
    name_kind=NameKind.SSM_PARAMETER,
    smoke=smoke,
    ml_tier=MlTier.STARTER,
    ml_grant=StatementGrant("SSMManageMlParameters"),
    sec=True,
    sec_grant=StatementGrant("SSMParameterManagement"),
    emulation=Emulation(
        models=("cfn_ssm_parameter_tag_map",), updates=("cfn_ssm_parameter_update",)
    ),
)
