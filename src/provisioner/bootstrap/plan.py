"""The bootstrap stack: a tenant's two permission boundaries and their published ARNs.

An administrator deploys it once per tenant and region (`sec-provisioner --action bootstrap`).
For a SEC config whose stack set spans several regions, its SEC boundary covers them all: the
tenant's roles are made once, in the config's region, and act in each.
Neither tool's operator policy may change it: both deny every write to this stack, to the
boundary policies and to the parameters under `/security/{tenant}-{region}/bootstrap/`.
"""

from __future__ import annotations

from collections.abc import Sequence

from provisioner.bootstrap.boundaries import boundary
from provisioner.cfn.tags import MANAGED_BY, tag_map
from provisioner.cfn.template import Output, PlannedResource, StackPlan
from provisioner.naming.tenant import BOUNDARY_KINDS, SEC_BOUNDARY, TenantNames

GENERATOR = "sec-provisioner bootstrap"
_PURPOSE = {
    "sec": "the roles sec-provisioner makes (personas, team execution roles, cross-account)",
    "ml": "ML workload roles (pipeline, build, events, SageMaker execution)",
}


def _camel(region: str) -> str:
    """`us-east-1` → `UsEast1`, for a logical id."""
    return "".join(part.capitalize() for part in region.split("-"))


def _logical(kind: str, what: str) -> str:
    return f"{kind.capitalize()}Boundary{what}"


def bootstrap_tags(t: TenantNames) -> dict[str, str]:
    return {
        "company": t.company_prefix,
        "env": t.env,
        "tenant": t.tenant_id,
        MANAGED_BY: GENERATOR,
    }


def plan_bootstrap(t: TenantNames, spanned: Sequence[TenantNames] = ()) -> StackPlan:
    """The trust root of `t`'s tenant and region; `spanned`, the tenant's names in the other
    regions a SEC stack set spans, whose roles are made in `t`'s region and carry its SEC
    boundary (stack_sets/spanning_template.py): that boundary then covers them too."""
    resources: list[PlannedResource] = []
    outputs: list[Output] = []
    for kind in BOUNDARY_KINDS:
        policy_id = _logical(kind, "Policy")
        name = t.boundary_name(kind)
        resources.append(
            PlannedResource(
                logical_id=policy_id,
                type="AWS::IAM::ManagedPolicy",
                properties={
                    "ManagedPolicyName": name,
                    "Description": f"Permission boundary of {_PURPOSE[kind]}",
                    "PolicyDocument": boundary(
                        t, kind, spanned if kind == SEC_BOUNDARY else ()
                    ).to_json(),
                },
                physical_name=name,
                arn=t.boundary_arn(kind),
                description=f"Permission boundary of {_PURPOSE[kind]}",
            )
        )
        parameter = t.boundary_parameter(kind)
        resources.append(
            PlannedResource(
                logical_id=_logical(kind, "ArnParameter"),
                type="AWS::SSM::Parameter",
                properties={
                    "Name": parameter,
                    "Type": "String",
                    # The literal ARN (not a Ref): both tools put this very string into their
                    # templates and operator policies, so what is published is what is enforced.
                    "Value": t.boundary_arn(kind),
                    "Description": f"ARN of the permission boundary of {_PURPOSE[kind]}",
                    "Tags": tag_map(bootstrap_tags(t)),
                },
                physical_name=parameter,
                arn=t.ssm_arn(parameter),
                depends_on=(policy_id,),
                description=f"ARN of the {kind} boundary",
            )
        )
        outputs.append(Output(_logical(kind, "Arn"), t.boundary_arn(kind), f"The {kind} boundary"))
    for other in spanned:
        # Deploy reads these to know the boundary was made for the set's regions: a trust
        # root bootstrapped before a region was added would cut that region's grants off.
        reach = f"{t.boundary_reach_path(other.region)}/covered"
        resources.append(
            PlannedResource(
                logical_id=f"SecBoundaryReaches{_camel(other.region)}Parameter",
                type="AWS::SSM::Parameter",
                properties={
                    "Name": reach,
                    "Type": "String",
                    "Value": other.region,
                    "Description": f"The SEC boundary reaches {other.region} too",
                    "Tags": tag_map(bootstrap_tags(t)),
                },
                physical_name=reach,
                arn=t.ssm_arn(reach),
                depends_on=(_logical(SEC_BOUNDARY, "Policy"),),
                description=f"the SEC boundary reaches {other.region}",
            )
        )
    return StackPlan(
        stack_name=t.bootstrap_stack,
        description=f"{t.regional}: the tenant's permission boundaries (bootstrap)",
        resources=tuple(resources),
        outputs=tuple(outputs),
        metadata={"Generator": GENERATOR},
    )
