"""Whether the AWS actions can deploy a config's `deployment` section today, and if not, why:
one answer for `validate` to report and for the AWS actions to refuse with (pure).

A stack set deploys one template everywhere: the neutral form of each stack's template
(neutral_template.py), which names each instance's own account and region. What that cannot
make right is refused, naming the stack and the resource:

- names that would be the same in two instances where AWS allows one (a service-managed set's
  OUs count as several accounts, none of them the config's): an IAM name in two regions of
  one account that the set's template does not make in the config's region only
  (spanning_template.py), a CloudWatch dashboard's, an S3 bucket name in two accounts or
  regions (bucket names are global);
- a set over several regions without the config's, when the stack makes IAM resources (they
  are made there);
- a VPC, subnet or security group named by id (the ML enterprise tier's network), or a
  bucket named exactly, not created by the stack, in a set with a target account other
  than the config's: that account's instance would point at the one bucket of that name,
  another account's (the config's, where the stack alone would have used it);
- a template that names the config's account or region where no pseudo parameter can stand.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from provisioner.config.deployment import DeploymentConfig, PermissionModel
from provisioner.stack_sets.neutral_template import ACCOUNT_ID, REGION, NotNeutral
from provisioner.stack_sets.spanning_template import NotSpanning, is_home_only, set_template

Json = Any
# Resource types whose name is unique within an account, in every region at once.
_ACCOUNT_WIDE_NAMES = {
    "AWS::IAM::Role": "RoleName",
    "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
    "AWS::IAM::Group": "GroupName",
    "AWS::IAM::User": "UserName",
    "AWS::IAM::InstanceProfile": "InstanceProfileName",
    "AWS::CloudWatch::Dashboard": "DashboardName",  # one namespace for all of an account's regions
}
_S3_ARN = ":s3:::"


def spans_regions(deployment: DeploymentConfig) -> bool:
    """Whether the set's template spans several regions (spanning_template.py)."""
    return len(deployment.targets.regions) > 1


def planned_regions(deployment: DeploymentConfig, region: str) -> list[str]:
    """The regions a stack's set template is planned for: the config's, then (when it spans
    several) every other target region, in deploy order."""
    if not spans_regions(deployment):
        return [region]
    return [region, *(r for r in deployment.region_order if r != region)]


def not_deployable_because(
    deployment: DeploymentConfig,
    account: str,
    region: str,
    templates: Mapping[str, Mapping[str, dict[str, Json]]],
) -> str | None:
    """Why the stacks (name → region → its template as rendered for the config there, for
    each of `planned_regions`) cannot go to the deployment's targets through stack sets; None
    when they can."""
    listed = deployment.targets.accounts or []
    if deployment.permission_model is PermissionModel.SERVICE_MANAGED:
        # An OU's accounts only Organizations knows: any number, never the management
        # account (StackSets does not deploy there), so always other accounts.
        accounts, elsewhere = 2, True
    else:
        accounts, elsewhere = len(listed), any(a != account for a in listed)
    regions = len(deployment.targets.regions)
    for stack, planned in templates.items():
        try:
            neutral = set_template(planned, account, region)
        except (NotNeutral, NotSpanning) as error:
            return f"{stack}: {error}, so one template cannot serve every target"
        home_only = [k for k, r in neutral.get("Resources", {}).items() if is_home_only(r)]
        if home_only and region not in deployment.targets.regions:
            return (
                f"{stack}: its IAM resources ({home_only[0]}…) are made in the config's region "
                f"only, {region}, and the targets span several regions without it: add "
                f"{region} to targets.regions"
            )
        problems = list(_clashes(neutral, accounts, regions, elsewhere))
        if problems:
            more = f" (and {len(problems) - 1} more like it)" if len(problems) > 1 else ""
            return f"{stack}: {problems[0]}{more}"
    return None


def _clashes(
    neutral: dict[str, Json], accounts: int, regions: int, elsewhere: bool
) -> Iterator[str]:
    """What in the neutral template would clash between `accounts` × `regions` instances,
    or point an instance at another account's bucket (`elsewhere`: a target account is not
    the config's)."""
    resources: dict[str, Json] = neutral.get("Resources", {})
    created_buckets: set[str] = set()
    for logical_id, resource in sorted(resources.items()):
        kind = resource.get("Type", "")
        properties = resource.get("Properties", {})
        if kind in _ACCOUNT_WIDE_NAMES and regions > 1 and not is_home_only(resource):
            key = _ACCOUNT_WIDE_NAMES[kind]
            name = _text(properties.get(key))
            if key in properties and (name is None or REGION not in name):
                yield (
                    f"{logical_id} ({kind}) is named {_shown(properties[key])} in every region, "
                    f"and {_namespace(kind)} names are global to an account: the targets' "
                    f"{regions} regions "
                    f"would clash in each account. Target one region"
                )
        if kind == "AWS::S3::Bucket" and "BucketName" in properties:
            name = _text(properties["BucketName"])
            if name is None:
                yield f"{logical_id}'s BucketName is not a name the tool can read"
                continue
            created_buckets.add(name)
            missing = [
                what
                for what, many, part in (
                    ("account", accounts > 1, ACCOUNT_ID),
                    ("region", regions > 1, REGION),
                )
                if many and part not in name
            ]
            if missing:
                yield (
                    f"{logical_id}'s bucket name {_shown(name)} holds no "
                    f"{' or '.join(missing)}, and S3 bucket names are global: the instances "
                    f"would clash. Target one account and one region"
                )
    if elsewhere:
        for network in sorted(_network_ids(resources)):
            yield (
                f"it names {network}, the config's account's: no other account has it, so "
                "its instances would fail. Target the config's own account only"
            )
        for bucket in sorted(_exact_buckets(resources) - created_buckets):
            if ACCOUNT_ID not in bucket:
                yield (
                    f"it names the bucket {_shown(bucket)}, which it does not create and whose "
                    f"name holds no account: every target account would point at that one "
                    f"bucket, which is the config's account's. Target the config's own "
                    f"account only"
                )


def _namespace(kind: str) -> str:
    """`AWS::IAM::Role` → `IAM`, `AWS::CloudWatch::Dashboard` → `CloudWatch dashboard`."""
    service, what = kind.split("::")[1:3]
    return service if service == "IAM" else f"{service} {what.lower()}"


def _text(value: Json) -> str | None:
    """A name as written: a string, or the text of an Fn::Sub; None for other intrinsics."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and list(value) == ["Fn::Sub"]:
        sub = value["Fn::Sub"]
        if isinstance(sub, str):
            return sub
    return None


def _shown(value: Json) -> str:
    text = _text(value)
    return repr(text if text is not None else value)


_NETWORK_ID = re.compile(r"^(vpc|subnet|sg)-[0-9a-f]{8,17}$")


def _network_ids(value: Json) -> set[str]:
    """VPC, subnet and security group ids named literally: they exist in one account."""
    found: set[str] = set()
    if isinstance(value, dict):
        for inner in value.values():
            found |= _network_ids(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= _network_ids(inner)
    elif isinstance(value, str) and _NETWORK_ID.match(value):
        found.add(value)
    return found


def _exact_buckets(value: Json) -> set[str]:
    """Bucket names in S3 ARNs without a wildcard in the bucket: named, not matched."""
    found: set[str] = set()
    if isinstance(value, dict):
        for inner in value.values():
            found |= _exact_buckets(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= _exact_buckets(inner)
    elif isinstance(value, str) and _S3_ARN in value:
        bucket = value.split(_S3_ARN, 1)[1].split("/", 1)[0]
        if bucket and "*" not in bucket and "?" not in bucket:
            found.add(bucket)
    return found
