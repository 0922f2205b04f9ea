"""The operator's policy for a service-managed stack set (stack_sets/service_managed_policy.py),
proven like the others: sufficient for every call the stack-set engine makes in a deploy, a
status, a drift check and a delete; scoped to the config's stack sets, OUs, accounts and
regions; pinned to the published templates (a set is created or updated only with its own
template's URL, never with a body); valid against the IAM catalogue; within IAM's size limit;
and no path to administrator under test_escalation.py's checks.

The calls' resources and condition keys are written from IAM's Service Authorization
Reference (CreateStackSet and UpdateStackSet take `cloudformation:TemplateUrl`) and
CloudFormation's `CallAs` documentation (a delegated administrator's stack sets live in the
management account), not read from the policy builder.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from typing import Any

import boto3
import pytest

from conftest import all_ml_configs, all_sec_configs, govcloud_ml_configs, partition_sec_configs
from policy_checks import assert_valid_and_scoped
from provisioner.aws_limits import MANAGED_POLICY_MAX_CHARS
from provisioner.cli.stack_sets import canary_forms, published_test_suffix, set_bodies
from provisioner.config.deployment import DeploymentConfig
from provisioner.config.ml import MlConfig
from provisioner.deploy.gateway import AwsGateway
from provisioner.deploy.stack_set_apply import deploy_stack_sets
from provisioner.deploy.stack_set_delete import delete_stack_sets
from provisioner.deploy.stack_set_drift import detect_stack_set_drift
from provisioner.deploy.stack_set_status import stack_set_status
from provisioner.deploy.target import PublishedAt, StackTemplate
from provisioner.exit_codes import ExitCode
from provisioner.naming.ml import TEST_SUFFIX_PATTERN
from provisioner.naming.tenant import ML_BOUNDARY, SEC_BOUNDARY, TenantNames
from provisioner.policy.document import PolicyDocument, split_to_fit
from provisioner.stack_sets.service_managed_policy import (
    ServiceManagedSubject,
    service_managed_operator_policy,
)
from provisioner.stack_sets.subjects import service_managed_subject
from test_emulator_stack_sets import organization
from test_escalation import CHECKS, _policy_versions, _reported, _role_writes
from test_stack_set_engine import ADMIN
from test_stack_set_engine import target as engine_target
from test_stack_set_operator_policy import Call, SetArns, allowed, denied_resources
from test_stackset_roles import _plans, _regions

UNITS = ("ou-ab12-11112222", "ou-ab12-33334444")
FILTERED = ("111100001111",)
OTHER_UNIT = "ou-ab12-99998888"
OTHER_ACCOUNT = "999900009999"
MANAGEMENT = "555500005555"  # the organization's management account: not in any config
CANARY = "222200002222"  # an account of the OUs
BUCKET = "acme-reviewed-stackset-templates"


def _service_managed(config: Any, delegated: bool) -> Any:
    deployment = DeploymentConfig.model_validate(
        {
            "permission_model": "service-managed",
            "call_as": "delegated-admin" if delegated else "self",
            "template_bucket": BUCKET,
            "canary_account": CANARY,
            "targets": {
                "organizational_units": list(UNITS),
                "accounts": list(FILTERED),
                "account_filter": "union",
                # An ML use case's set has one region (its policies name its own stack's
                # resources: stack_sets/spanning_template.py); a SEC tenant's spans two.
                "regions": [config.region] if isinstance(config, MlConfig) else _regions(config),
            },
        }
    )
    return config.model_copy(update={"deployment": deployment})


@cache
def _cases() -> tuple[Any, ...]:
    configs = [*all_ml_configs(), *govcloud_ml_configs(), *all_sec_configs(),
               *partition_sec_configs()]  # fmt: skip
    return tuple(_service_managed(c, delegated=n % 2 == 1) for n, c in enumerate(configs))


CASES = list(_cases())
IDS = [
    f"{TenantNames.of(c).regional}-"
    f"{c.use_case if isinstance(c, MlConfig) else f'sec-{c.tier}'}-{c.deployment.call_as}"
    for c in CASES
]


def _regional(config: Any) -> Any:
    """The stacks as planned for the config moved to another region."""
    return lambda region: [p.render() for p in _plans(config.model_copy(update={"region": region}))]


def _canary_plans(config: Any) -> list[Any]:
    """The stacks' test-deploy form under the suffix of the published live templates."""
    suffix = published_test_suffix(
        config.deployment, config.account_id, config.region, _plans(config)
    )
    assert suffix is not None and TEST_SUFFIX_PATTERN.match(suffix)
    return _plans(config, suffix)


_SUBJECTS: dict[int, ServiceManagedSubject] = {}


def _subject(config: Any) -> ServiceManagedSubject:
    """Made once per case (planning the canary's form is the slow part)."""
    if id(config) not in _SUBJECTS:
        live = _plans(config)
        canaries = canary_forms(config.account_id, config.region, live, _canary_plans(config))
        # The set templates whether or not the section is deployable (an ML starter or
        # enterprise use case is not, to an OU): the policy is proven for any.
        stacks = [StackTemplate(p.stack_name, p.render()) for p in live]
        bodies = set_bodies(
            config.deployment, config.account_id, config.region, stacks, _regional(config)
        )
        _SUBJECTS[id(config)] = service_managed_subject(config, bodies, canaries)
    return _SUBJECTS[id(config)]


# -- the requests ------------------------------------------------------------------------------
class Where(SetArns):
    """The ARNs of one config's service-managed stack sets."""

    def __init__(self, config: Any, *, account: str | None = None, region: str | None = None):
        self.subject = _subject(config)
        self.p = self.subject.partition
        delegated = config.deployment.call_as == "delegated-admin"
        self.account = account or (MANAGEMENT if delegated else config.account_id)
        self.region = region or config.region


def _on_set(action: str, where: Where, stack: str) -> Call:
    return Call(f"cloudformation:{action}", (where.stack_set(stack),), {})


def _on_instances(
    action: str,
    config: Any,
    where: Where,
    stack: str,
    targets: tuple[str, ...] = (*UNITS, *FILTERED),
    regions: tuple[str, ...] | None = None,
    extra: dict[str, Any] | None = None,
) -> Call:
    resources = (where.stack_set(stack), *where.targets(stack, targets), *where.types(config))
    regions = regions if regions is not None else tuple(config.deployment.region_order)
    context = {"cloudformation:TargetRegion": list(regions), **(extra or {})}
    return Call(f"cloudformation:{action}", resources, context)


def _url(config: Any, stack: str) -> str:
    """The URL deploy sends: the published key's, virtual-hosted at the config's region."""
    subject = _subject(config)
    published = {**subject.published, **subject.canary}[stack]
    suffix = TenantNames.of(config).partition.dns_suffix
    assert published.key.startswith("templates/") and len(published.key) == 10 + 64 + 5
    return f"https://{BUCKET}.s3.{config.region}.{suffix}/{published.key}"


def _read(config: Any, key: str, owner: str | None = None) -> Call:
    """A GetObject of a published template, in a bucket of the config's account (or `owner`)."""
    arn = f"arn:{TenantNames.of(config).partition.name}:s3:::{BUCKET}/{key}"
    return Call("s3:GetObject", (arn,), {"s3:ResourceAccount": owner or config.account_id})


def engine_calls(config: Any) -> dict[str, list[Call]]:
    """Every call of a deploy (create, then update and grow), a status, a drift check and a
    delete, for each of the config's stacks, as deploy/stack_set_gateway.py makes them."""
    where = Where(config)
    deploy: list[Call] = []
    status: list[Call] = []
    drift: list[Call] = []
    delete: list[Call] = []
    follow = ("ListStackSetOperations", "DescribeStackSetOperation", "ListStackSetOperationResults")
    for stack in _subject(config).stacks:
        pinned = {"cloudformation:TemplateUrl": _url(config, stack)}
        key = _subject(config).published[stack].key
        deploy += [
            _read(config, key),
            _on_set("DescribeStackSet", where, stack),
            Call("cloudformation:CreateStackSet", ("*",), pinned),
            _on_set("ListStackInstances", where, stack),
            _on_instances("UpdateStackSet", config, where, stack, extra=pinned),
            _on_instances("CreateStackInstances", config, where, stack),
            *(_on_set(a, where, stack) for a in follow),
        ]
        status += [_on_set(a, where, stack) for a in ("DescribeStackSet", "ListStackInstances")]
        drift += [
            _on_set("DescribeStackSet", where, stack),
            _on_set("DetectStackSetDrift", where, stack),
            *(_on_set(a, where, stack) for a in follow),
            _on_set("ListStackInstances", where, stack),
        ]
        delete += [
            _on_set("DescribeStackSet", where, stack),
            _on_set("ListStackInstances", where, stack),
            _on_instances("DeleteStackInstances", config, where, stack),
            *(_on_set(a, where, stack) for a in follow),
            _on_set("DeleteStackSet", where, stack),
        ]
    # test-deploy: the canary's sets from their own published templates, on the canary
    # account (the OUs narrowed to it) in the config's region, then deleted.
    canary: dict[str, Any] = {"targets": (*UNITS, CANARY), "regions": (config.region,)}
    test = []
    for stack in [p.stack_name for p in _canary_plans(config)]:
        key = _subject(config).canary[stack].key
        test += [
            _read(config, key),
            _on_set("DescribeStackSet", where, stack),
            Call(
                "cloudformation:CreateStackSet",
                ("*",),
                {"cloudformation:TemplateUrl": _url(config, stack)},
            ),
            _on_instances("CreateStackInstances", config, where, stack, **canary),
            *(_on_set(a, where, stack) for a in follow),
            _on_set("ListStackInstances", where, stack),
            _on_instances("DeleteStackInstances", config, where, stack, **canary),
            _on_set("DeleteStackSet", where, stack),
        ]
    return {"deploy": deploy, "status": status, "detect-drift": drift, "delete": delete,
            "test-deploy": test}  # fmt: skip


# -- the engine's calls are the ones proven ---------------------------------------------------
def test_the_proven_calls_are_the_engines_and_send_only_published_urls(emulator: Any) -> None:
    """Run deploy (create; update), status, detect-drift and delete of a service-managed set
    against the emulator and record every AWS operation and its parameters: the calls proven
    are exactly those, and CreateStackSet and UpdateStackSet send the published template's
    URL, never a body."""
    emulator.reset()
    made: list[tuple[str, dict[str, Any]]] = []
    session = boto3.session.Session(aws_access_key_id="t", aws_secret_access_key="t")
    session.events.register(
        "provide-client-params",
        lambda model, params, **_: made.append(
            (f"{model.service_model.signing_name}:{model.name}", params)
        ),
    )
    gateway = AwsGateway(session, "us-west-2", endpoint_url=emulator.url)
    s3 = gateway.client("s3")
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
    unit, _ = organization(emulator.url)

    def managed(value: str) -> Any:
        given = engine_target(value)
        stacks = tuple(
            type(s)(
                s.stack_name,
                s.body,
                published=PublishedAt(BUCKET, f"templates/{value}", "?", owner=ADMIN),
            )
            for s in given.stacks
        )
        for s in stacks:
            s3.put_object(Bucket=BUCKET, Key=f"templates/{value}", Body=s.body.encode())
        sm = engine_target(
            value, permission_model="SERVICE_MANAGED", accounts=None,
            organizational_units=(unit,), call_as="DELEGATED_ADMIN",
            auto_deployment=(True, False), administration_role_arn=None,
            execution_role_name=None,
        )  # fmt: skip
        return type(sm)(**{**sm.__dict__, "stacks": stacks})

    one, two = managed("one"), managed("two")  # published by the administrator first
    made.clear()
    assert deploy_stack_sets(gateway, one, lambda _: None).code == ExitCode.OK
    assert deploy_stack_sets(gateway, two, lambda _: None).code == ExitCode.OK
    for follow_up in (stack_set_status, detect_stack_set_drift, delete_stack_sets):
        assert follow_up(gateway, two, lambda _: None).code == ExitCode.OK
    config = next(c for c in CASES if c.deployment.call_as == "delegated-admin")
    proven = {c.action for calls in engine_calls(config).values() for c in calls}
    # ListStackSetOperations is made only while another operation holds the set.
    assert {name for name, _ in made} == proven - {"cloudformation:ListStackSetOperations"}
    sent = [p for name, p in made if name.endswith(("CreateStackSet", "UpdateStackSet"))]
    assert len(sent) == 2
    for params in sent:
        assert "TemplateBody" not in params
        assert params["TemplateURL"].endswith(
            f"/{BUCKET}/templates/{'one' if params is sent[0] else 'two'}"
        )
        assert params["CallAs"] == "DELEGATED_ADMIN"
    assert not any(name == "s3:PutObject" for name, _ in made)  # the operator never writes
    reads = [p for name, p in made if name == "s3:GetObject"]
    assert reads and all(p["ExpectedBucketOwner"] == ADMIN for p in reads)


@pytest.mark.parametrize("config", CASES[:3], ids=IDS[:3])
def test_on_aws_deploy_sends_the_url_the_policy_pins(config: Any) -> None:
    """Without an endpoint override the gateway builds each TemplateURL as published.py
    does, character for character: the form the policy's StringEquals compares."""
    session = boto3.session.Session(aws_access_key_id="t", aws_secret_access_key="t")
    gateway = AwsGateway(session, config.region)
    for published in _subject(config).all_published:
        assert gateway.template_url_of(published.bucket, published.key) == published.url
        assert published.url == _url(config, published.stack)


# -- sufficient ---------------------------------------------------------------------------------
@pytest.mark.parametrize("config", CASES, ids=IDS)
def test_every_engine_call_is_allowed(config: Any) -> None:
    policy = service_managed_operator_policy(_subject(config))
    refused = {
        (action, call.action, resource)
        for action, calls in engine_calls(config).items()
        for call in calls
        for resource in denied_resources(policy, config, call)
    }
    assert refused == set()


def test_the_proof_notices_a_missing_statement() -> None:
    config = next(c for c in CASES if len(_subject(c).stacks) > 1)
    policy = service_managed_operator_policy(_subject(config))
    sids = [s.sid for s in policy.statements if s.is_allow]
    assert {"CloudFormationStackSetUpdate1", "CloudFormationStackSetUpdate2"} <= set(sids)
    for sid in sids:
        dropped = PolicyDocument(tuple(s for s in policy.statements if s.sid != sid))
        refused = [c for calls in engine_calls(config).values() for c in calls
                   if not allowed(dropped, config, c)]  # fmt: skip
        assert refused, sid


# -- scoped and pinned ------------------------------------------------------------------------
def _refusals(config: Any) -> Iterator[tuple[str, Call]]:
    subject = _subject(config)
    stacks = subject.stacks
    here = Where(config)
    # GovCloud's two regions may both be targets: then one the partition does not have.
    other_region = next(
        (r for r in sorted(subject.partition.regions) if r not in subject.regions), "xx-other-1"
    )
    url = _url(config, stacks[0])
    yield "a stack set from a template body", Call("cloudformation:CreateStackSet", ("*",), {})
    yield (
        "a stack set from another URL",
        Call("cloudformation:CreateStackSet", ("*",),
             {"cloudformation:TemplateUrl": url.replace("/templates/", "/other/")}),
    )  # fmt: skip
    yield (
        "an update from a template body",
        _on_instances("UpdateStackSet", config, here, stacks[0]),
    )
    yield (
        "an update from another bucket",
        _on_instances("UpdateStackSet", config, here, stacks[0],
                      extra={"cloudformation:TemplateUrl": url.replace(BUCKET, f"{BUCKET}x")}),
    )  # fmt: skip
    if len(stacks) > 1:
        yield (
            "a set updated with another stack's template",
            _on_instances("UpdateStackSet", config, here, stacks[1],
                          extra={"cloudformation:TemplateUrl": url}),
        )  # fmt: skip
    for action in ("CreateStackInstances", "DeleteStackInstances"):
        yield (
            "instances in another OU",
            _on_instances(action, config, here, stacks[0], (OTHER_UNIT,)),
        )
        yield (
            "instances in another account",
            _on_instances(action, config, here, stacks[0], (OTHER_ACCOUNT,)),
        )
        yield (
            "instances in another region",
            _on_instances(action, config, here, stacks[0], regions=(other_region,)),
        )
        yield (
            "instances naming no region",
            Call(f"cloudformation:{action}",
                 _on_instances(action, config, here, stacks[0]).resources, {}),
        )  # fmt: skip
    test_stack = _canary_plans(config)[0].stack_name
    yield (
        "the canary's set updated",
        _on_instances("UpdateStackSet", config, here, test_stack,
                      extra={"cloudformation:TemplateUrl": _url(config, test_stack)}),
    )  # fmt: skip
    yield "a stack set named like it", _on_set("DeleteStackSet", here, f"{stacks[0]}-x")
    yield "another config's stack set", _on_set("DeleteStackSet", here, "acme-dev-t001-other-stack")
    if config.deployment.call_as != "delegated-admin":
        yield (
            "another account's stack set",
            _on_set("DeleteStackSet", Where(config, account=OTHER_ACCOUNT), stacks[0]),
        )
    yield (
        "the stack set in another region",
        _on_set("DescribeStackSet", Where(config, region=other_region), stacks[0]),
    )
    key = subject.published[stacks[0]].key
    yield "a published key in another account's bucket", _read(config, key, OTHER_ACCOUNT)
    for action in ("s3:PutObject", "s3:DeleteObject"):
        yield (
            "a write to the published templates",
            Call(action, (subject.partition.s3_arn(f"{BUCKET}/{key}"),), {}),
        )
    yield (
        "another object of the bucket",
        Call("s3:GetObject", (subject.partition.s3_arn(f"{BUCKET}/other.json"),), {}),
    )
    stranger = subject.partition.iam_arn(config.account_id, "role/admin")
    yield (
        "a role passed to CloudFormation",
        Call("iam:PassRole", (stranger,), {"iam:PassedToService": "cloudformation.amazonaws.com"}),
    )


@pytest.mark.parametrize("config", CASES, ids=IDS)
def test_everything_else_is_denied(config: Any) -> None:
    policy = service_managed_operator_policy(_subject(config))
    wrongly = [(what, c.action) for what, c in _refusals(config) if allowed(policy, config, c)]
    assert wrongly == []


def test_the_scope_checks_notice_a_loose_policy() -> None:
    config = next(c for c in CASES if len(_subject(c).stacks) > 1)
    policy = service_managed_operator_policy(_subject(config))
    from dataclasses import replace

    loose = PolicyDocument(
        tuple(replace(s, resources=("*",), condition=None) for s in policy.statements if s.is_allow)
    )
    wrongly = {what for what, call in _refusals(config) if allowed(loose, config, call)}
    assert {
        "a stack set from a template body",
        "a stack set from another URL",
        "a set updated with another stack's template",
        "instances in another OU",
        "instances in another region",
        "another config's stack set",
        "another object of the bucket",
        "a published key in another account's bucket",
    } <= wrongly


@pytest.mark.parametrize("config", CASES, ids=IDS)
def test_without_mfa_in_production_only_reads_pass(config: Any) -> None:
    policy = service_managed_operator_policy(_subject(config))
    calls = engine_calls(config)
    for call in calls["deploy"] + calls["detect-drift"] + calls["delete"]:
        passed = denied_resources(policy, config, call, mfa=False) == []
        read = call.action.split(":")[1].startswith(("Describe", "List", "Get"))
        assert passed == (read or not config.is_prod), call.action


# -- valid, within size, no escalation ----------------------------------------------------------
@pytest.mark.parametrize("config", CASES, ids=IDS)
def test_valid_within_size_and_no_escalation_path(config: Any) -> None:
    policy = service_managed_operator_policy(_subject(config))
    assert_valid_and_scoped(policy)
    # Each stack adds its pinned URL twice: create-policy writes a tenant with many stacks
    # as two files, each within IAM's size, together the whole policy.
    parts = split_to_fit(policy)
    assert len(parts) <= 2
    assert all(PolicyDocument.size_of(part.render()) <= MANAGED_POLICY_MAX_CHARS for part in parts)
    assert sorted(s.sid for part in parts for s in part.statements) == sorted(
        s.sid for s in policy.statements
    )
    # No IAM action at all: no role to pass, nothing to write.
    assert not [a for s in policy.allow_statements for a in s.actions if a.startswith("iam:")]
    assert "s3:PutObject" not in json.dumps(policy.to_json())
    t = TenantNames.of(config)
    kind = ML_BOUNDARY if isinstance(config, MlConfig) else SEC_BOUNDARY
    methods = _reported(policy.render())
    assert not [m for m in methods if m not in CHECKS], methods
    assert {m: f for m in methods if (f := CHECKS[m](policy, t, kind))} == {}
    assert _role_writes(policy, t, kind) == []
    assert _policy_versions(policy, t, kind) == []


# -- deploy's read-back of a published template -------------------------------------------------
@pytest.mark.parametrize(
    ("answer", "why"),
    [
        ("AccessDenied", "not published at s3://{b}/templates/k.json, or not readable there by "
                         "these credentials in a bucket of account 111122223333; publish it"),
        ("NoSuchKey", "not published at s3://{b}/templates/k.json"),
        (b'{"Resources": {}}', "s3://{b}/templates/k.json does not hold the template this "
                               "config generates (its content differs); publish it"),
    ],
    ids=["unreadable or another account's", "missing", "different"],
)  # fmt: skip
def test_a_published_template_deploy_cannot_read_as_reviewed_is_refused(
    answer: Any, why: str
) -> None:
    """S3 answers a key the caller may not list, or a bucket of another owner than expected,
    with AccessDenied: refused as not published (exit 2), as a missing or different one is."""
    import io

    from botocore.response import StreamingBody
    from botocore.stub import Stubber

    from provisioner.errors import InputError

    session = boto3.session.Session(aws_access_key_id="t", aws_secret_access_key="t")
    gateway = AwsGateway(session, "us-west-2")
    expected = {"Bucket": BUCKET, "Key": "templates/k.json", "ExpectedBucketOwner": "111122223333"}
    with Stubber(gateway.client("s3")) as stub:
        if isinstance(answer, bytes):
            body = StreamingBody(io.BytesIO(answer), len(answer))
            stub.add_response("get_object", {"Body": body}, expected)
        else:
            stub.add_client_error(
                "get_object", service_error_code=answer, http_status_code=403 if answer ==
                "AccessDenied" else 404, expected_params=expected,
            )  # fmt: skip
        with pytest.raises(InputError) as refused:
            gateway.published_template_url(
                BUCKET, "templates/k.json", '{"Resources": {"A": {}}}', "publish it", "111122223333"
            )
    assert why.format(b=BUCKET) in str(refused.value)
