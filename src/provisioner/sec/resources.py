"""The IAM resources of one team and of one trusted account."""

from __future__ import annotations

from typing import Any

from provisioner.cfn.intrinsics import get_att, ref
from provisioner.cfn.tags import MANAGED_BY, tag_list, tag_map
from provisioner.cfn.template import Output, PlannedResource
from provisioner.config.sec import Persona, SecConfig, Team, TrustedAccount
from provisioner.naming.sec import TEAMS_PER_XACCT_POLICY, SecNames
from provisioner.naming.tenant import SEC_BOUNDARY, TenantNames
from provisioner.sec import personas

TOOL_NAME = "sec-provisioner"


def base_tags(config: SecConfig) -> dict[str, str]:
    own = {
        "company": config.company_prefix,
        "env": config.env,
        "tenant": config.tenant_id,
        "tier": config.tier.value,
        MANAGED_BY: TOOL_NAME,
    }
    return {**config.tags, **own}


def logical(*words: str) -> str:
    return "".join(part.capitalize() for word in words for part in word.split("-"))


def _mfa(config: SecConfig) -> dict[str, Any] | None:
    """In prod, assuming a persona role requires MFA (seed: 'Require MFA for production')."""
    return {"Bool": {"aws:MultiFactorAuthPresent": "true"}} if config.is_prod else None


def persona_trust(names: SecNames) -> dict[str, Any]:
    """Any IAM user of the account whose own identity policy allows sts:AssumeRole on this
    role (MFA in prod). The tool grants that to the team's persona group only, but the trust
    cannot name a group: another grant in the account (on the role, or on `*`) works too."""
    condition: dict[str, Any] = {"ArnLike": {"aws:PrincipalArn": names.iam_arn("user/*")}}
    mfa = _mfa(names.config)
    if mfa:
        condition.update(mfa)
    statement = {
        "Sid": "AccountUsersAllowedToAssume",
        "Effect": "Allow",
        "Principal": {"AWS": names.iam_arn("root")},
        "Action": "sts:AssumeRole",
        "Condition": condition,
    }
    return personas.document([statement])


def service_trust(names: SecNames, service: str) -> dict[str, Any]:
    return personas.document(
        [
            {
                "Effect": "Allow",
                "Principal": {"Service": service},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": names.account}},
            }
        ]
    )


def xacct_trust(names: SecNames, account: TrustedAccount) -> dict[str, Any]:
    """An account can trust only accounts of its own partition, so the trusted account's
    root is named in the config's partition."""
    return personas.document(
        [
            {
                "Sid": "TrustedAccountWithExternalId",
                "Effect": "Allow",
                "Principal": {"AWS": names.partition.iam_arn(account.account_id, "root")},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": account.external_id}},
            }
        ]
    )


def _role(
    names: SecNames,
    logical_id: str,
    name: str,
    trust: dict[str, Any],
    description: str,
    tags: dict[str, str],
) -> PlannedResource:
    return PlannedResource(
        logical_id=logical_id,
        type="AWS::IAM::Role",
        properties={
            "RoleName": name,
            "Description": description,
            "AssumeRolePolicyDocument": trust,
            # MaxSessionDuration left at IAM's default (one hour): every byte counts in the small
            # tier's TemplateBody.
            "PermissionsBoundary": TenantNames.of(names.config).boundary_arn(SEC_BOUNDARY),
            "Tags": tag_list(tags),
        },
        physical_name=name,
        arn=names.iam_arn(f"role/{name}"),
        description=description,
    )


def _policy(
    names: SecNames,
    logical_id: str,
    name: str,
    statements: list[dict[str, Any]],
    role_id: str,
    description: str,
) -> PlannedResource:
    return PlannedResource(
        logical_id=logical_id,
        type="AWS::IAM::ManagedPolicy",
        properties={
            "ManagedPolicyName": name,
            "Description": description,
            "PolicyDocument": personas.document(statements),
            "Roles": [ref(role_id)],
        },
        physical_name=name,
        arn=names.iam_arn(f"policy/{name}"),
        description=description,
    )


def _parameter(
    names: SecNames,
    logical_id: str,
    key: list[str],
    value: Any,
    description: str,
    tags: dict[str, str],
) -> PlannedResource:
    name = names.parameter(*key)
    return PlannedResource(
        logical_id=logical_id,
        type="AWS::SSM::Parameter",
        properties={
            "Name": name,
            "Type": "String",
            "Value": value,
            "Description": description,
            "Tags": tag_map(tags),
        },
        physical_name=name,
        arn=names.regional_arn("ssm", f"parameter{name}"),
        description=description,
    )


def team_resources(names: SecNames, team: Team) -> tuple[list[PlannedResource], list[Output]]:
    config = names.config
    tags = {**base_tags(config), "team": team.name}
    resources: list[PlannedResource] = []
    outputs: list[Output] = []
    t = team.name
    for persona in team.personas:
        role_id = logical(t, persona.short, "role")
        role_name = names.persona_role(t, persona)
        group_name = names.group(t, persona)
        resources.append(
            _role(
                names,
                role_id,
                role_name,
                persona_trust(names),
                f"{persona.value} of team {t}",
                tags,
            )
        )
        resources.append(
            _policy(
                names,
                logical(t, persona.short, "policy"),
                names.team_policy(t, persona.short),
                personas.persona_statements(names, t, persona),
                role_id,
                f"What a {persona.value} of team {t} may do",
            )
        )
        assume: dict[str, Any] = {
            "Sid": "AssumeTeamPersonaRole",
            "Effect": "Allow",
            "Action": "sts:AssumeRole",
            "Resource": get_att(role_id, "Arn"),
        }
        mfa = _mfa(config)
        if mfa:
            assume["Condition"] = mfa
        resources.append(
            PlannedResource(
                logical_id=logical(t, persona.short, "group"),
                type="AWS::IAM::Group",
                properties={
                    "GroupName": group_name,
                    "Policies": [
                        {
                            "PolicyName": "assume-persona-role",
                            "PolicyDocument": personas.document([assume]),
                        }
                    ],
                },
                physical_name=group_name,
                arn=names.iam_arn(f"group/{group_name}"),
                description=f"People of team {t} working as {persona.value}",
            )
        )
        output_id = logical(t, persona.short, "role-arn")
        outputs.append(Output(output_id, get_att(role_id, "Arn"), f"{persona.value} role of {t}"))
        resources.append(
            _parameter(
                names,
                f"{output_id}Parameter",
                [t, f"{persona.value}-role-arn"],
                get_att(role_id, "Arn"),
                f"{persona.value} role of {t}",
                tags,
            )
        )
    exec_id = logical(t, "sagemaker", "role")
    resources.append(
        _role(
            names,
            exec_id,
            names.execution_role(t),
            service_trust(names, "sagemaker.amazonaws.com"),
            f"SageMaker execution role of team {t}",
            tags,
        )
    )
    resources.append(
        _policy(
            names,
            logical(t, "sagemaker", "policy"),
            names.team_policy(t, "sagemaker"),
            personas.execution_role_statements(names, t),
            exec_id,
            f"What team {t}'s SageMaker jobs may do",
        )
    )
    output_id = logical(t, "sagemaker", "role-arn")
    outputs.append(Output(output_id, get_att(exec_id, "Arn"), f"SageMaker execution role of {t}"))
    resources.append(
        _parameter(
            names,
            f"{output_id}Parameter",
            [t, "sagemaker-role-arn"],
            get_att(exec_id, "Arn"),
            f"SageMaker execution role of {t}",
            tags,
        )
    )
    return resources, outputs


def xacct_resources(
    names: SecNames, account: TrustedAccount
) -> tuple[list[PlannedResource], list[Output]]:
    config = names.config
    tags = {**base_tags(config), "trusted-account": account.account_id}
    # Only an omitted list means every team (the config refuses an empty one).
    teams = [t.name for t in config.teams] if account.teams is None else account.teams
    role_id = logical("xacct", account.name, "role")
    resources = [
        _role(
            names,
            role_id,
            names.xacct_role(account.name),
            xacct_trust(names, account),
            f"Read access for {account.name} ({account.account_id})",
            tags,
        ),
    ]
    step = TEAMS_PER_XACCT_POLICY
    for part, start in enumerate(range(0, len(teams), step), 1):
        chunk = teams[start : start + step]
        resources.append(
            _policy(
                names,
                logical("xacct", account.name, "policy") + ("" if part == 1 else str(part)),
                names.xacct_policy(account.name, part),
                personas.read_statements(names, chunk),
                role_id,
                # Fixed text: a managed policy's Description cannot change without replacing
                # it, so naming the teams here would make every change of `teams` fail.
                f"What trusted account {account.name} may read of the tenant's teams"
                + ("" if part == 1 else f" (part {part})"),
            )
        )
    output_id = logical("xacct", account.name, "role-arn")
    resources.append(
        _parameter(
            names,
            f"{output_id}Parameter",
            ["xacct", f"{account.name}-role-arn"],
            get_att(role_id, "Arn"),
            f"Cross-account role for {account.name}",
            tags,
        )
    )
    outputs = [Output(output_id, get_att(role_id, "Arn"), f"Cross-account role for {account.name}")]
    return resources, outputs


__all__ = ["Persona", "team_resources", "xacct_resources"]
