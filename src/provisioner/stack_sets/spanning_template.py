"""One stack-set template for several regions of an account, when the stack creates IAM
resources (pure).

IAM is global to an account and the tools' IAM names hold no region (SPEC §2), so the same
role cannot be created by two instances of a set in two regions. A spanning template creates
the IAM resources in one region only, the config's own (the *home* region), and every other
resource in every target region:

- each IAM resource gets the condition `ProvisionerIamHomeRegion` (`AWS::Region` is the
  config's region) and its properties as planned for the home region (its permissions
  boundary is the home region's trust root: the one property allowed to differ between the
  regions' plans), except its policy documents, which are the union of those planned for
  each target region: every statement of the home region's plan, with the resources of the
  same Sid's statement in each other region's merged in where they differ in nothing else. A
  statement of another region's plan that the home region's lacks, or that differs in
  anything but its resources, is refused (`NotSpanning`): merging it could allow
  combinations no region's plan allows. An IAM policy that refers to a resource of its own
  stack is refused too (each region's instance makes its own; the home region's IAM would
  reach that region's alone), as is an IAM resource type the tool does not know;
- every other resource keeps its home-region form, made neutral (neutral_template.py) so
  that each instance's names its own region; it must be what each other region's plan makes
  with the region's name changed, else it is refused. Its references to the IAM resources,
  which do not exist in the other regions' instances, become the names or ARNs they resolve
  to (`Ref` of a role is its name, `Fn::GetAtt … Arn` its ARN), built from the resource's
  literal name; any other reference to them (another attribute, an `Fn::Sub` placeholder, a
  DependsOn) is refused.

So what each region's plan grants is granted by the home region's IAM resources, and nothing
else: the union is proven by the per-region plans' own proofs (tests/test_spanning_template.py
checks the union). The policies grow with each region's ARNs; one over IAM's size is refused.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from provisioner.aws_limits import MANAGED_POLICY_MAX_CHARS

Json = Any
HOME_CONDITION = "ProvisionerIamHomeRegion"
# IAM resource types, their name property and their ARN's resource part; the policy
# documents each carries.
_IAM: dict[str, tuple[str, str]] = {
    "AWS::IAM::Role": ("RoleName", "role"),
    "AWS::IAM::ManagedPolicy": ("ManagedPolicyName", "policy"),
    "AWS::IAM::Group": ("GroupName", "group"),
    "AWS::IAM::User": ("UserName", "user"),
    "AWS::IAM::InstanceProfile": ("InstanceProfileName", "instance-profile"),
}
# What `Ref` of each IAM type resolves to (CloudFormation's resource reference).
_REF_IS_ARN = {"AWS::IAM::ManagedPolicy"}


class NotSpanning(ValueError):
    """The stack cannot be one template for several regions of an account; says why."""


def is_home_only(resource: Mapping[str, Json]) -> bool:
    return resource.get("Condition") == HOME_CONDITION


def spanning_template(planned: Mapping[str, dict[str, Json]], home_region: str) -> dict[str, Json]:
    """The template as planned for each target region (region → template, the home region's
    among them) as one: IAM resources from the home region's plan with the union of every
    region's policy documents, not yet neutral, nor yet conditioned (`conditioned` does that
    after neutral_template has run, which would refuse the condition's literal region)."""
    home = planned[home_region]
    regions = [r for r in planned if r != home_region]
    others = [planned[r] for r in regions]
    made = copy.deepcopy(home)
    resources: dict[str, Json] = made.get("Resources", {})
    for other in others:
        if set(other.get("Resources", {})) != set(resources):
            raise NotSpanning("its resources differ between the target regions")
    unknown = sorted(
        k for k, r in resources.items()
        if str(r.get("Type", "")).startswith("AWS::IAM::") and r["Type"] not in _IAM
    )  # fmt: skip
    if unknown:
        raise NotSpanning(f"{unknown[0]} is an IAM resource type the spanning form does not know")
    iam = {k for k, r in resources.items() if r.get("Type") in _IAM}
    # The likeliest reason first: a policy naming its own stack's resources (the ML tiers').
    for logical_id in sorted(iam):
        _refuse_regional_references(logical_id, resources[logical_id], iam)
    for logical_id, resource in resources.items():
        for other, region in zip(others, regions, strict=True):
            theirs = other["Resources"][logical_id]
            if _moved(_apart_from_grants(resource), home_region, region) != _apart_from_grants(
                theirs
            ):
                raise NotSpanning(
                    f"{logical_id} differs between {home_region} and {region} in more than "
                    "the region's name" + (" and its policies" if logical_id in iam else "")
                )
        if logical_id not in iam:
            continue
        for other in others:
            _merge_documents(logical_id, resource, other["Resources"][logical_id])
        _refuse_regional_references(logical_id, resource, iam)  # what the merge brought in
        for document in _documents(resource):
            size = len(json.dumps(document, separators=(",", ":")))
            if size > MANAGED_POLICY_MAX_CHARS:
                raise NotSpanning(
                    f"{logical_id}'s policy for every target region is {size:,} characters, "
                    f"over IAM's {MANAGED_POLICY_MAX_CHARS:,}: target fewer regions"
                )
    return made


def _refuse_regional_references(logical_id: str, resource: Json, iam: set[str]) -> None:
    for document in _documents(resource):
        regional = sorted(_references(document) - iam)
        if regional:
            raise NotSpanning(
                f"{logical_id}'s policy refers to {regional[0]} of its own stack, which each "
                "region's instance makes: made in the config's region only, it would reach "
                "that region's alone"
            )


def conditioned(neutral: dict[str, Json], home_region: str) -> dict[str, Json]:
    """The neutral spanning template with its IAM resources made in the home region only, and
    the other resources' references to them made names and ARNs."""
    made = copy.deepcopy(neutral)
    resources: dict[str, Json] = made.get("Resources", {})
    iam = {k: r for k, r in resources.items() if r.get("Type") in _IAM}
    if not iam:
        return made
    if "Conditions" in made and HOME_CONDITION in made["Conditions"]:
        raise NotSpanning(f"it has a condition named {HOME_CONDITION} already")
    for resource in iam.values():
        if "Condition" in resource:
            raise NotSpanning("an IAM resource has a condition of its own")
        resource["Condition"] = HOME_CONDITION
    made.setdefault("Conditions", {})[HOME_CONDITION] = {
        "Fn::Equals": [{"Ref": "AWS::Region"}, home_region]
    }
    for logical_id, resource in resources.items():
        if logical_id in iam:
            continue
        if set(_as_list(resource.get("DependsOn"))) & set(iam):
            raise NotSpanning(f"{logical_id} depends on an IAM resource")
        resource["Properties"] = _resolved(resource.get("Properties", {}), iam, logical_id)
        _refuse_placeholders(resource["Properties"], iam, logical_id)
    if "Outputs" in made:
        made["Outputs"] = _resolved(made["Outputs"], iam, "an output")
        _refuse_placeholders(made["Outputs"], iam, "an output")
    return made


def _refuse_placeholders(value: Json, iam: Mapping[str, Json], where: str) -> None:
    """An `Fn::Sub` placeholder of an IAM resource (`${Role}`, `${Role.Arn}`) is left where
    the resource exists in the home region's instance only."""
    left = sorted(_references(value) & set(iam))
    if left:
        raise NotSpanning(
            f"{where} refers to {left[0]} in an Fn::Sub, which exists in the home region's "
            "instance only"
        )


def _apart_from_grants(resource: Mapping[str, Json]) -> Json:
    """An IAM resource without what may differ between the regions' plans (its policy
    documents, merged, and its boundary, the home region's); any other resource whole."""
    if resource.get("Type") not in _IAM:
        return resource
    properties = dict(resource.get("Properties", {}))
    properties.pop("PermissionsBoundary", None)
    properties.pop("PolicyDocument", None)
    if "Policies" in properties:
        properties["Policies"] = [
            {k: v for k, v in p.items() if k != "PolicyDocument"} for p in properties["Policies"]
        ]
    return {**resource, "Properties": properties}


def _moved(value: Json, home_region: str, region: str) -> Json:
    """`value` with the home region's name, as a whole token, made `region`'s."""
    pattern = re.compile(rf"(?<![0-9a-z]){re.escape(home_region)}(?![0-9])")
    return json.loads(pattern.sub(region, json.dumps(value)))


def _documents(resource: Mapping[str, Json]) -> Iterator[dict[str, Json]]:
    """The policy documents an IAM resource grants by (not a role's trust policy)."""
    properties = resource.get("Properties", {})
    if "PolicyDocument" in properties:
        yield properties["PolicyDocument"]
    for inline in properties.get("Policies", []):
        yield inline["PolicyDocument"]


def _merge_documents(logical_id: str, home: dict[str, Json], other: Mapping[str, Json]) -> None:
    mine, theirs = list(_documents(home)), list(_documents(other))
    if len(mine) != len(theirs):
        raise NotSpanning(f"{logical_id}'s policies differ between the target regions")
    for document, more in zip(mine, theirs, strict=True):
        by_sid = {s.get("Sid"): s for s in document["Statement"]}
        for statement in more["Statement"]:
            sid = statement.get("Sid")
            found = by_sid.get(sid)
            if found is None or sid is None:
                raise NotSpanning(f"{logical_id}'s statement {sid} is not in every region's plan")
            if found == statement:
                continue
            if {k: v for k, v in found.items() if k != "Resource"} != {
                k: v for k, v in statement.items() if k != "Resource"
            }:
                raise NotSpanning(
                    f"{logical_id}'s statement {sid} differs between the target regions in "
                    "more than its resources"
                )
            merged = _as_list(found["Resource"])
            merged += [r for r in _as_list(statement["Resource"]) if r not in merged]
            found["Resource"] = merged


def _references(value: Json) -> set[str]:
    """The logical ids `value` refers to by Ref, Fn::GetAtt or an Fn::Sub placeholder."""
    found: set[str] = set()
    if isinstance(value, list):
        for inner in value:
            found |= _references(inner)
    elif isinstance(value, dict):
        if list(value) == ["Ref"] and isinstance(value["Ref"], str):
            if not value["Ref"].startswith("AWS::"):
                found.add(value["Ref"])
        elif list(value) == ["Fn::GetAtt"]:
            found.add(_get_att(value["Fn::GetAtt"])[0])
        elif list(value) == ["Fn::Sub"]:
            text = value["Fn::Sub"] if isinstance(value["Fn::Sub"], str) else value["Fn::Sub"][0]
            found |= {
                m.split(".")[0]
                for m in re.findall(r"\$\{([^!}][^}]*)\}", text)
                if not m.startswith("AWS::")
            }
            if isinstance(value["Fn::Sub"], list):
                found |= _references(value["Fn::Sub"][1])
        else:
            for inner in value.values():
                found |= _references(inner)
    return found


def _as_list(value: Json) -> list[Json]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _resolved(value: Json, iam: Mapping[str, Json], where: str) -> Json:
    """`value` with every Ref and Fn::GetAtt of an IAM resource replaced by what it
    resolves to."""
    if isinstance(value, list):
        return [_resolved(v, iam, where) for v in value]
    if not isinstance(value, dict):
        return value
    if list(value) == ["Ref"] and value["Ref"] in iam:
        target = iam[value["Ref"]]
        return (
            _arn(value["Ref"], target)
            if target["Type"] in _REF_IS_ARN
            else _name(value["Ref"], target)
        )
    if list(value) == ["Fn::GetAtt"]:
        logical_id, attribute = _get_att(value["Fn::GetAtt"])
        if logical_id in iam:
            if attribute != "Arn":
                raise NotSpanning(
                    f"{where} reads {logical_id}.{attribute}, which exists in the home "
                    "region's instance only"
                )
            return _arn(logical_id, iam[logical_id])
    return {k: _resolved(v, iam, where) for k, v in value.items()}


def _get_att(argument: Json) -> tuple[str, str]:
    if isinstance(argument, str):
        logical_id, _, attribute = argument.partition(".")
        return logical_id, attribute
    return str(argument[0]), str(argument[1])


def _name(logical_id: str, resource: Mapping[str, Json]) -> str:
    key, _ = _IAM[resource["Type"]]
    name = resource.get("Properties", {}).get(key)
    if not isinstance(name, str):
        raise NotSpanning(f"{logical_id} has no literal {key} to refer to it by in every region")
    return name


def _arn(logical_id: str, resource: Mapping[str, Json]) -> dict[str, str]:
    _, kind = _IAM[resource["Type"]]
    path = resource.get("Properties", {}).get("Path", "/")
    if not isinstance(path, str):
        raise NotSpanning(f"{logical_id}'s Path is not literal")
    name = _name(logical_id, resource)
    return {"Fn::Sub": f"arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:{kind}{path}{name}"}


def set_template(
    planned: Mapping[str, dict[str, Json]], account: str, home_region: str
) -> dict[str, Json]:
    """The template a stack set deploys everywhere, from the stack as planned for the config
    (region → template: the config's own, and when the set spans several regions each other
    target region's): neutral (neutral_template.py), and spanning when there are several."""
    from provisioner.stack_sets.neutral_template import neutral_template

    if len(planned) == 1:
        return neutral_template(planned[home_region], account, home_region)
    spanning = spanning_template(planned, home_region)
    return conditioned(neutral_template(spanning, account, home_region), home_region)
