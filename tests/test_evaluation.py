"""policy/evaluation.py: AWS's evaluation logic, case by case from the IAM User Guide's examples."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from provisioner.policy.evaluation import (
    ContextValue,
    Decision,
    Request,
    UnsupportedPolicy,
    evaluate,
    statement_applies,
)

ALLOW = Decision.ALLOW
IMPLICIT = Decision.IMPLICIT_DENY
EXPLICIT = Decision.EXPLICIT_DENY

ACCOUNT = "111122223333"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/ml/persona"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/persona/alice"
USER = f"arn:aws:iam::{ACCOUNT}:user/bob"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
BUCKET = "arn:aws:s3:::DOC-EXAMPLE-BUCKET"
KEY = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def doc(*statements: dict[str, Any], version: str | None = "2012-10-17") -> dict[str, Any]:
    document: dict[str, Any] = {"Statement": list(statements)}
    if version is not None:
        document["Version"] = version
    return document


def stmt(effect: str, action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": effect, "Action": action, "Resource": resource, **extra}


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return stmt("Allow", action, resource, **extra)


def deny(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return stmt("Deny", action, resource, **extra)


def when(operator: str, key: str, value: Any) -> dict[str, Any]:
    return {"Condition": {operator: {key: value}}}


def req(
    action: str,
    resource: str = "*",
    context: Mapping[str, ContextValue] | None = None,
    principal: str | None = None,
) -> Request:
    return Request(action, resource, context or {}, principal)


@dataclass(frozen=True)
class Case:
    request: Request
    identity: tuple[dict[str, Any], ...]
    expected: Decision
    boundaries: tuple[dict[str, Any], ...] = ()
    resource_policy: dict[str, Any] | None = None
    matched: tuple[str, ...] | None = None


def case(
    id: str,
    request: Request,
    identity: list[dict[str, Any]] | dict[str, Any],
    expected: Decision,
    *,
    boundaries: Sequence[dict[str, Any]] = (),
    resource_policy: dict[str, Any] | None = None,
    matched: tuple[str, ...] | None = None,
) -> Any:
    policies = tuple(identity) if isinstance(identity, list) else (identity,)
    return pytest.param(
        Case(request, policies, expected, tuple(boundaries), resource_policy, matched), id=id
    )


# --- "Policy evaluation logic" (reference_policies_evaluation-logic): the carlossalazar example,
# and "The difference between explicit and implicit denies" (AllowGetList / DenyReports).

CARLOS = "arn:aws:iam::123456789012:user/carlossalazar"
CARLOS_IDENTITY = doc(
    {
        "Sid": "AllowS3ListRead",
        "Effect": "Allow",
        "Action": ["s3:GetBucketLocation", "s3:ListAllMyBuckets"],
        "Resource": "arn:aws:s3:::*",
    },
    {
        "Sid": "AllowS3Self",
        "Effect": "Allow",
        "Action": "s3:*",
        "Resource": ["arn:aws:s3:::carlossalazar/*", "arn:aws:s3:::carlossalazar"],
    },
    {"Sid": "DenyS3Logs", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::*log*"},
)
CARLOS_BUCKET = doc(
    {
        "Effect": "Allow",
        "Principal": {"AWS": CARLOS},
        "Action": "s3:*",
        "Resource": ["arn:aws:s3:::carlossalazar/*", "arn:aws:s3:::carlossalazar"],
    }
)
REPORTS = doc(
    {
        "Sid": "AllowGetList",
        "Effect": "Allow",
        "Action": ["iam:Get*", "iam:List*"],
        "Resource": "*",
    },
    {"Sid": "DenyReports", "Effect": "Deny", "Action": "iam:*Report", "Resource": "*"},
)

EVALUATION_LOGIC = [
    case(
        "carlos-logs-bucket-explicitly-denied",
        req("s3:PutObject", "arn:aws:s3:::carlossalazar-logs/f.txt", principal=CARLOS),
        CARLOS_IDENTITY,
        EXPLICIT,
        resource_policy=CARLOS_BUCKET,
        matched=("identity[0]:DenyS3Logs",),
    ),
    case(
        "carlos-own-bucket-allowed-by-identity",
        req("s3:PutObject", "arn:aws:s3:::carlossalazar/f.txt"),
        CARLOS_IDENTITY,
        ALLOW,
        matched=("identity[0]:AllowS3Self",),
    ),
    case(
        "carlos-own-bucket-allowed-by-bucket-policy-alone",
        req("s3:PutObject", "arn:aws:s3:::carlossalazar/f.txt", principal=CARLOS),
        [],
        ALLOW,
        resource_policy=CARLOS_BUCKET,
        matched=("resource:#0",),
    ),
    case(
        "carlos-other-bucket-implicitly-denied",
        req("s3:GetObject", "arn:aws:s3:::someone-else/f.txt"),
        CARLOS_IDENTITY,
        IMPLICIT,
        matched=(),
    ),
    case("no-policies-implicit-deny", req("s3:GetObject", f"{BUCKET}/k"), [], IMPLICIT),
    case(
        "allow-get-list",
        req("iam:GetRole", ROLE),
        REPORTS,
        ALLOW,
        matched=("identity[0]:AllowGetList",),
    ),
    case(
        "deny-report-beats-allow-get",
        req("iam:GetCredentialReport"),
        REPORTS,
        EXPLICIT,
        matched=("identity[0]:DenyReports",),
    ),
    case("create-policy-implicit-deny", req("iam:CreatePolicy"), REPORTS, IMPLICIT),
    case(
        "deny-in-second-identity-policy-wins",
        req("iam:GetRole", ROLE),
        [
            REPORTS,
            doc({"Sid": "NoRoles", "Effect": "Deny", "Action": "iam:*Role", "Resource": "*"}),
        ],
        EXPLICIT,
        matched=("identity[1]:NoRoles",),
    ),
    case(
        "deny-in-resource-policy-beats-identity-allow",
        req("s3:GetObject", f"{BUCKET}/k", principal=SESSION),
        doc(allow("s3:GetObject", f"{BUCKET}/*")),
        EXPLICIT,
        resource_policy=doc(
            {"Sid": "NoOne", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}
        ),
        matched=("resource:NoOne",),
    ),
]


# --- "Permissions boundaries for IAM entities" (access_policies_boundaries): ShirleyRodriguez
# (boundary caps identity policies), Nikhil (resource policies to a user are not capped), and the
# role / role-session rows of "Resource-based policies and implicit denies in other policy types".

SHIRLEY_BOUNDARY = doc(allow(["s3:*", "cloudwatch:*", "ec2:*"]))
SHIRLEY_IDENTITY = doc(allow("iam:CreateUser"), allow("s3:GetObject"))
GET_SECRET = req(
    "secretsmanager:GetSecretValue",
    f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:db-AbCdEf",
    principal=SESSION,
)


def secret_policy(principal: Any) -> dict[str, Any]:
    return doc(
        {
            "Sid": "Grant",
            "Effect": "Allow",
            "Principal": principal,
            "Action": "secretsmanager:GetSecretValue",
            "Resource": "*",
        }
    )


BOUNDARIES = [
    case(
        "boundary-caps-identity-allow",
        req("iam:CreateUser", f"arn:aws:iam::{ACCOUNT}:user/new"),
        SHIRLEY_IDENTITY,
        IMPLICIT,
        boundaries=[SHIRLEY_BOUNDARY],
    ),
    case(
        "boundary-and-identity-both-allow",
        req("s3:GetObject", f"{BUCKET}/k"),
        SHIRLEY_IDENTITY,
        ALLOW,
        boundaries=[SHIRLEY_BOUNDARY],
        matched=("identity[0]:#1", "boundary[0]:#0"),
    ),
    case(
        "boundary-alone-grants-nothing",
        req("ec2:RunInstances"),
        [],
        IMPLICIT,
        boundaries=[SHIRLEY_BOUNDARY],
    ),
    case(
        "every-boundary-must-allow",
        req("s3:GetObject", f"{BUCKET}/k"),
        SHIRLEY_IDENTITY,
        IMPLICIT,
        boundaries=[SHIRLEY_BOUNDARY, doc(allow("ec2:*"))],
    ),
    case(
        "explicit-deny-in-boundary",
        req("s3:GetObject", f"{BUCKET}/k"),
        SHIRLEY_IDENTITY,
        EXPLICIT,
        boundaries=[doc(allow("*"), {"Sid": "NoS3", **deny("s3:*")})],
        matched=("boundary[0]:NoS3",),
    ),
    case(
        "resource-grant-to-user-not-capped-by-boundary",
        req("secretsmanager:GetSecretValue", GET_SECRET.resource, principal=USER),
        [],
        ALLOW,
        boundaries=[SHIRLEY_BOUNDARY],
        resource_policy=secret_policy({"AWS": USER}),
    ),
    case(
        "resource-grant-to-role-arn-capped-by-boundary",
        GET_SECRET,
        [],
        IMPLICIT,
        boundaries=[SHIRLEY_BOUNDARY],
        resource_policy=secret_policy({"AWS": ROLE}),
    ),
    case(
        "resource-grant-to-role-arn-within-boundary",
        GET_SECRET,
        [],
        ALLOW,
        boundaries=[doc(allow("secretsmanager:*"))],
        resource_policy=secret_policy({"AWS": ROLE}),
        matched=("resource:Grant", "boundary[0]:#0"),
    ),
    case(
        "resource-grant-to-role-session-not-capped",
        GET_SECRET,
        [],
        ALLOW,
        boundaries=[SHIRLEY_BOUNDARY],
        resource_policy=secret_policy({"AWS": SESSION}),
    ),
    case(
        "not-principal-deny-always-denies-a-principal-with-a-boundary",
        GET_SECRET,
        doc(allow("secretsmanager:*")),
        EXPLICIT,
        boundaries=[doc(allow("*"))],
        resource_policy=doc(
            {
                "Effect": "Deny",
                "NotPrincipal": {"AWS": [SESSION, ROLE, ROOT]},
                "Action": "*",
                "Resource": "*",
            }
        ),
    ),
]


# --- "AWS JSON policy elements: Principal" and "NotPrincipal" (reference_policies_elements_
# principal, _notprincipal); key and trust policies from "Policy evaluation logic" (they must
# allow the caller even in the same account).

KEY_ADMIN_DELEGATION = {
    "Sid": "Enable IAM User Permissions",
    "Effect": "Allow",
    "Principal": {"AWS": ROOT},
    "Action": "kms:*",
    "Resource": "*",
}


def bucket_policy(effect: str, principal: Any, **extra: Any) -> dict[str, Any]:
    return doc(
        {
            "Effect": effect,
            "Principal": principal,
            "Action": "s3:GetObject",
            "Resource": f"{BUCKET}/*",
        }
        | extra
    )


GET_OBJECT = req("s3:GetObject", f"{BUCKET}/k", principal=SESSION)

PRINCIPALS = [
    case(
        "account-root-principal-only-delegates",
        GET_OBJECT,
        [],
        IMPLICIT,
        resource_policy=bucket_policy("Allow", {"AWS": ROOT}),
    ),
    case(
        "account-id-principal-only-delegates",
        GET_OBJECT,
        [],
        IMPLICIT,
        resource_policy=bucket_policy("Allow", {"AWS": ACCOUNT}),
    ),
    case(
        "account-root-delegation-plus-identity-allow",
        GET_OBJECT,
        doc(allow("s3:GetObject", f"{BUCKET}/*")),
        ALLOW,
        resource_policy=bucket_policy("Allow", {"AWS": ROOT}),
        matched=("identity[0]:#0",),
    ),
    case(
        "account-root-principal-in-deny-covers-its-roles",
        GET_OBJECT,
        doc(allow("s3:GetObject", f"{BUCKET}/*")),
        EXPLICIT,
        resource_policy=bucket_policy("Deny", {"AWS": ROOT}),
    ),
    case(
        "wildcard-principal-grants-without-identity-policy",
        GET_OBJECT,
        [],
        ALLOW,
        resource_policy=bucket_policy("Allow", "*"),
    ),
    case(
        "role-arn-principal-matches-its-session-despite-path",
        GET_OBJECT,
        [],
        ALLOW,
        resource_policy=bucket_policy("Allow", {"AWS": [ROLE]}),
    ),
    case(
        "other-role-principal-does-not-match",
        GET_OBJECT,
        [],
        IMPLICIT,
        resource_policy=bucket_policy("Allow", {"AWS": f"arn:aws:iam::{ACCOUNT}:role/other"}),
    ),
    case(
        "service-principal-matches-service-caller",
        req("s3:GetObject", f"{BUCKET}/k", principal="cloudtrail.amazonaws.com"),
        [],
        ALLOW,
        resource_policy=bucket_policy("Allow", {"Service": "cloudtrail.amazonaws.com"}),
    ),
    case(
        "federated-principal-never-matches-an-iam-caller",
        GET_OBJECT,
        [],
        IMPLICIT,
        resource_policy=bucket_policy("Allow", {"Federated": "cognito-identity.amazonaws.com"}),
    ),
    case(
        "not-principal-deny-spares-fully-listed-session",
        GET_OBJECT,
        doc(allow("s3:*")),
        ALLOW,
        resource_policy=doc(
            {
                "Effect": "Deny",
                "NotPrincipal": {"AWS": [SESSION, ROLE, ROOT]},
                "Action": "s3:*",
                "Resource": "*",
            }
        ),
    ),
    case(
        "not-principal-deny-hits-unlisted-caller",
        req("s3:GetObject", f"{BUCKET}/k", principal=USER),
        doc(allow("s3:*")),
        EXPLICIT,
        resource_policy=doc(
            {
                "Effect": "Deny",
                "NotPrincipal": {"AWS": [SESSION, ROLE]},
                "Action": "s3:*",
                "Resource": "*",
            }
        ),
    ),
    case(
        "key-policy-delegation-plus-identity-allow",
        req("kms:Decrypt", KEY, principal=SESSION),
        doc(allow("kms:Decrypt", KEY)),
        ALLOW,
        resource_policy=doc(KEY_ADMIN_DELEGATION),
        matched=("identity[0]:#0", "resource:Enable IAM User Permissions"),
    ),
    case(
        "key-policy-without-delegation-ignores-identity-allow",
        req("kms:Decrypt", KEY, principal=SESSION),
        doc(allow("kms:*")),
        IMPLICIT,
        resource_policy=doc(
            {"Effect": "Allow", "Principal": {"AWS": USER}, "Action": "kms:*", "Resource": "*"}
        ),
    ),
    case(
        "trust-policy-naming-the-role-needs-no-identity-policy",
        req("sts:AssumeRole", f"arn:aws:iam::{ACCOUNT}:role/admin", principal=SESSION),
        [],
        ALLOW,
        resource_policy=doc(
            {"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "sts:AssumeRole"}
        ),
    ),
    case(
        "trust-policy-delegating-to-account-needs-identity-allow",
        req("sts:AssumeRole", f"arn:aws:iam::{ACCOUNT}:role/admin", principal=SESSION),
        [],
        IMPLICIT,
        resource_policy=doc(
            {"Effect": "Allow", "Principal": {"AWS": ROOT}, "Action": "sts:AssumeRole"}
        ),
    ),
]


# --- "IAM JSON policy elements: Action", "NotAction", "Resource", "NotResource".

ACTIONS_AND_RESOURCES = [
    case(
        "action-names-ignore-case",
        req("iam:ListAccessKeys", USER),
        doc(allow("IAM:listaccesskeys")),
        ALLOW,
    ),
    case(
        "action-wildcard-inside-name",
        req("iam:CreateAccessKey", USER),
        doc(allow("iam:*AccessKey*")),
        ALLOW,
    ),
    case(
        "action-wildcard-does-not-match-other-names",
        req("iam:GetUser", USER),
        doc(allow("iam:*AccessKey*")),
        IMPLICIT,
    ),
    case(
        "action-question-mark-is-one-character",
        req("iam:GetRole", ROLE),
        doc(allow("iam:?etRole")),
        ALLOW,
    ),
    case(
        "plain-action-allow-grants-only-listed",
        req("s3:DeleteBucket", BUCKET),
        doc(allow("iam:*")),
        IMPLICIT,
    ),
    case(
        "not-action-allow-pitfall-grants-other-services",
        req("s3:DeleteBucket", BUCKET),
        doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}),
        ALLOW,
    ),
    case(
        "not-action-allow-excludes-listed",
        req("iam:CreateUser", USER),
        doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}),
        IMPLICIT,
    ),
    case(
        "not-action-scoped-to-s3-resources-grants-no-other-service",
        req("ec2:TerminateInstances", f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-1"),
        doc({"Effect": "Allow", "NotAction": "s3:DeleteBucket", "Resource": "arn:aws:s3:::*"}),
        IMPLICIT,
    ),
    case(
        "not-action-scoped-to-s3-resources-excludes-resource-less-action",
        req("s3:ListAllMyBuckets"),
        doc({"Effect": "Allow", "NotAction": "s3:DeleteBucket", "Resource": "arn:aws:s3:::*"}),
        IMPLICIT,
    ),
    case(
        "not-action-deny-without-mfa-denies-non-iam",
        req("s3:GetObject", f"{BUCKET}/k"),
        doc(
            allow("*"),
            {
                "Sid": "DenyAllUsersNotUsingMFA",
                "Effect": "Deny",
                "NotAction": "iam:*",
                "Resource": "*",
                **when("BoolIfExists", "aws:MultiFactorAuthPresent", "false"),
            },
        ),
        EXPLICIT,
    ),
    case(
        "not-action-deny-without-mfa-spares-iam",
        req("iam:ListUsers"),
        doc(
            allow("*"),
            {
                "Effect": "Deny",
                "NotAction": "iam:*",
                "Resource": "*",
                **when("BoolIfExists", "aws:MultiFactorAuthPresent", "false"),
            },
        ),
        ALLOW,
    ),
    case(
        "resource-star-spans-slashes",
        req("s3:GetObject", f"{BUCKET}/1/2/test/3/object.jpg"),
        doc(allow("s3:GetObject", f"{BUCKET}/*/test/*")),
        ALLOW,
    ),
    case(
        "resource-star-needs-the-literal-parts",
        req("s3:GetObject", f"{BUCKET}/1/2/test.jpg"),
        doc(allow("s3:GetObject", f"{BUCKET}/*/test/*")),
        IMPLICIT,
    ),
    case(
        "resource-match-is-case-sensitive",
        req("s3:GetObject", "arn:aws:s3:::doc-example-bucket/k"),
        doc(allow("s3:GetObject", f"{BUCKET}/*")),
        IMPLICIT,
    ),
    case(
        "resource-star-stays-inside-its-arn-segment",
        req("sqs:SendMessage", "arn:aws:sqs:us-east-2:999999999999:store:111122223333:q"),
        doc(allow("sqs:SendMessage", "arn:aws:sqs:*:111122223333:q")),
        IMPLICIT,
    ),
    case(
        "not-resource-deny-outside-payroll",
        req("s3:GetObject", "arn:aws:s3:::HRBucket/Other/x"),
        doc(
            allow("s3:*"),
            {
                "Effect": "Deny",
                "Action": "s3:*",
                "NotResource": ["arn:aws:s3:::HRBucket/Payroll", "arn:aws:s3:::HRBucket/Payroll/*"],
            },
        ),
        EXPLICIT,
    ),
    case(
        "not-resource-deny-spares-payroll",
        req("s3:GetObject", "arn:aws:s3:::HRBucket/Payroll/x"),
        doc(
            allow("s3:*"),
            {
                "Effect": "Deny",
                "Action": "s3:*",
                "NotResource": ["arn:aws:s3:::HRBucket/Payroll", "arn:aws:s3:::HRBucket/Payroll/*"],
            },
        ),
        ALLOW,
    ),
    case(
        "resource-less-action-needs-resource-star",
        req("s3:ListAllMyBuckets"),
        doc(allow("s3:ListAllMyBuckets", "arn:aws:s3:::*")),
        IMPLICIT,
    ),
]


# --- "IAM JSON policy elements: Condition operators" (reference_policies_elements_condition_
# operators) and "Condition" (key names ignore case, values do not).

JOB = when("StringEquals", "aws:PrincipalTag/job-category", "iamuser-admin")
ACCESS_KEYS = f"arn:aws:iam::{ACCOUNT}:user/*"
SNS_TOPIC = f"arn:aws:sns:us-east-2:{ACCOUNT}:TOPIC-ID"
# The ARN condition operators section's example of StringLike matching where ArnLike does not.
STORE_ARN = "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"
IP = {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:DB8:1234:5678::/64"]}}
INSTANCE_TYPES = ["t1.*", "t2.*", "m3.*"]

CONDITIONS = [
    case(
        "string-equals-tag-present",
        req("iam:CreateAccessKey", USER, {"aws:PrincipalTag/job-category": "iamuser-admin"}),
        doc(allow("iam:*AccessKey*", ACCESS_KEYS, **JOB)),
        ALLOW,
    ),
    case(
        "string-equals-tag-missing-fails",
        req("iam:CreateAccessKey", USER),
        doc(allow("iam:*AccessKey*", ACCESS_KEYS, **JOB)),
        IMPLICIT,
    ),
    case(
        "string-equals-value-is-case-sensitive",
        req("iam:CreateAccessKey", USER, {"aws:PrincipalTag/job-category": "IAMUSER-ADMIN"}),
        doc(allow("iam:*AccessKey*", ACCESS_KEYS, **JOB)),
        IMPLICIT,
    ),
    case(
        "condition-key-name-ignores-case",
        req("iam:CreateAccessKey", USER, {"AWS:principaltag/JOB-CATEGORY": "iamuser-admin"}),
        doc(allow("iam:*AccessKey*", ACCESS_KEYS, **JOB)),
        ALLOW,
    ),
    case(
        "string-equals-ignore-case",
        req("s3:GetObject", f"{BUCKET}/k", {"aws:username": "JohnDoe"}),
        doc(allow("s3:*", **when("StringEqualsIgnoreCase", "aws:username", "johndoe"))),
        ALLOW,
    ),
    case(
        "string-not-equals-on-missing-key-is-true",
        req("s3:GetObject", f"{BUCKET}/k"),
        doc(
            allow("s3:*"),
            deny("s3:*", **when("StringNotEquals", "aws:PrincipalTag/team", "data")),
        ),
        EXPLICIT,
    ),
    case(
        "string-not-equals-values-are-nor-matching-one",
        req("s3:GetObject", f"{BUCKET}/k", {"aws:PrincipalAccount": "444455556666"}),
        doc(
            allow("s3:*"),
            deny(
                "s3:*",
                **when("StringNotEquals", "aws:PrincipalAccount", [ACCOUNT, "444455556666"]),
            ),
        ),
        ALLOW,
    ),
    case(
        "string-not-equals-values-are-nor-matching-none",
        req("s3:GetObject", f"{BUCKET}/k", {"aws:PrincipalAccount": "999999999999"}),
        doc(
            allow("s3:*"),
            deny(
                "s3:*",
                **when("StringNotEquals", "aws:PrincipalAccount", [ACCOUNT, "444455556666"]),
            ),
        ),
        EXPLICIT,
    ),
    case(
        "string-not-like",
        req("s3:PutObject", f"{BUCKET}/k", {"s3:prefix": "home/bob/x"}),
        doc(allow("s3:*", **when("StringNotLike", "s3:prefix", ["home/alice/*", "tmp/*"]))),
        ALLOW,
    ),
    case(
        "numeric-less-than-equals-at-limit",
        req("s3:ListBucket", "arn:aws:s3:::example_bucket", {"s3:max-keys": "10"}),
        doc(allow("s3:ListBucket", **when("NumericLessThanEquals", "s3:max-keys", "10"))),
        ALLOW,
    ),
    case(
        "numeric-less-than-equals-over-limit",
        req("s3:ListBucket", "arn:aws:s3:::example_bucket", {"s3:max-keys": 11}),
        doc(allow("s3:ListBucket", **when("NumericLessThanEquals", "s3:max-keys", "10"))),
        IMPLICIT,
    ),
    case(
        "date-greater-than-fresh-credentials",
        req("iam:CreateAccessKey", USER, {"aws:TokenIssueTime": "2021-03-01T12:00:00Z"}),
        doc(
            allow("iam:*", **when("DateGreaterThan", "aws:TokenIssueTime", "2020-01-01T00:00:01Z"))
        ),
        ALLOW,
    ),
    case(
        "date-greater-than-old-credentials-epoch",
        req("iam:CreateAccessKey", USER, {"aws:TokenIssueTime": 1577836801}),  # 00:00:01Z
        doc(
            allow("iam:*", **when("DateGreaterThan", "aws:TokenIssueTime", "2020-01-01T00:00:01Z"))
        ),
        IMPLICIT,
    ),
    case(
        "date-offset-is-honoured",
        req("iam:ListUsers", "*", {"aws:CurrentTime": "2020-01-01T00:30:00+01:00"}),
        doc(allow("iam:*", **when("DateLessThan", "aws:CurrentTime", "2020-01-01T00:00:00Z"))),
        ALLOW,
    ),
    case(
        "bool-secure-transport-false-denies",
        req("s3:GetObject", f"{BUCKET}/k", {"aws:SecureTransport": False}),
        doc(allow("s3:*"), deny("s3:*", **when("Bool", "aws:SecureTransport", "false"))),
        EXPLICIT,
    ),
    case(
        "bool-secure-transport-true-passes",
        req("s3:GetObject", f"{BUCKET}/k", {"aws:SecureTransport": "true"}),
        doc(allow("s3:*"), deny("s3:*", **when("Bool", "aws:SecureTransport", "false"))),
        ALLOW,
    ),
    case(
        "binary-equals-compares-decoded-bytes",
        req("s3:GetObject", f"{BUCKET}/k", {"key": "QmluYXJ5VmFsdWVJbkJhc2U2NA=="}),
        doc(allow("s3:*", **when("BinaryEquals", "key", "QmluYXJ5VmFsdWVJbkJhc2U2NA=="))),
        ALLOW,
    ),
    case(
        "ip-address-in-v4-range",
        req("iam:GetUser", USER, {"aws:SourceIp": "203.0.113.77"}),
        doc(allow("iam:*", **{"Condition": IP})),
        ALLOW,
    ),
    case(
        "ip-address-in-v6-range",
        req("iam:GetUser", USER, {"aws:SourceIp": "2001:db8:1234:5678::9"}),
        doc(allow("iam:*", **{"Condition": IP})),
        ALLOW,
    ),
    case(
        "ip-address-outside-ranges",
        req("iam:GetUser", USER, {"aws:SourceIp": "198.51.100.1"}),
        doc(allow("iam:*", **{"Condition": IP})),
        IMPLICIT,
    ),
    case(
        "not-ip-address-deny",
        req("iam:GetUser", USER, {"aws:SourceIp": "198.51.100.1"}),
        doc(allow("iam:*"), deny("*", **when("NotIpAddress", "aws:SourceIp", "203.0.113.0/24"))),
        EXPLICIT,
    ),
    case(
        "arn-equals-source-topic",
        req(
            "sqs:SendMessage",
            f"arn:aws:sqs:us-east-2:{ACCOUNT}:QUEUE-ID",
            {"aws:SourceArn": SNS_TOPIC},
            principal=USER,
        ),
        [],
        ALLOW,
        resource_policy=doc(
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": "SQS:SendMessage",
                "Resource": f"arn:aws:sqs:us-east-2:{ACCOUNT}:QUEUE-ID",
                **when("ArnEquals", "aws:SourceArn", SNS_TOPIC),
            }
        ),
    ),
    case(
        "string-like-star-crosses-colons",
        req(
            "s3:GetObject",
            f"{BUCKET}/k",
            {"aws:SourceArn": STORE_ARN},
        ),
        doc(
            allow(
                "s3:*",
                **when(
                    "StringLike", "aws:SourceArn", "arn:aws:someservice:*:111122223333:finance/*"
                ),
            )
        ),
        ALLOW,
    ),
    case(
        "arn-like-star-stays-in-its-segment",
        req(
            "s3:GetObject",
            f"{BUCKET}/k",
            {"aws:SourceArn": STORE_ARN},
        ),
        doc(
            allow(
                "s3:*",
                **when("ArnLike", "aws:SourceArn", "arn:aws:someservice:*:111122223333:finance/*"),
            )
        ),
        IMPLICIT,
    ),
    case(
        "null-true-allows-long-term-credentials",
        req("ec2:DescribeInstances"),
        doc(allow("ec2:*", **when("Null", "aws:TokenIssueTime", "true"))),
        ALLOW,
    ),
    case(
        "null-true-refuses-temporary-credentials",
        req("ec2:DescribeInstances", "*", {"aws:TokenIssueTime": "2024-01-01T00:00:00Z"}),
        doc(allow("ec2:*", **when("Null", "aws:TokenIssueTime", "true"))),
        IMPLICIT,
    ),
    case(
        "string-like-without-if-exists-fails-on-other-resources",
        req("ec2:RunInstances", f"arn:aws:ec2:us-east-1:{ACCOUNT}:security-group/sg-1"),
        doc(allow("ec2:RunInstances", **when("StringLike", "ec2:InstanceType", INSTANCE_TYPES))),
        IMPLICIT,
    ),
    case(
        "string-like-if-exists-passes-missing-key",
        req("ec2:RunInstances", f"arn:aws:ec2:us-east-1:{ACCOUNT}:security-group/sg-1"),
        doc(
            allow(
                "ec2:RunInstances", **when("StringLikeIfExists", "ec2:InstanceType", INSTANCE_TYPES)
            )
        ),
        ALLOW,
    ),
    case(
        "string-like-if-exists-checks-present-key",
        req(
            "ec2:RunInstances",
            f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/*",
            {"ec2:InstanceType": "c5.large"},
        ),
        doc(
            allow(
                "ec2:RunInstances", **when("StringLikeIfExists", "ec2:InstanceType", INSTANCE_TYPES)
            )
        ),
        IMPLICIT,
    ),
    case(
        "operators-and-keys-are-anded",
        req(
            "s3:ListBucket",
            BUCKET,
            {
                "aws:PrincipalTag/department": "hr",
                "aws:PrincipalTag/role": "dev",
                "aws:PrincipalAccount": ACCOUNT,
            },
        ),
        doc(
            allow(
                "s3:*",
                Condition={
                    "StringEqualsIgnoreCase": {
                        "aws:PrincipalTag/department": ["finance", "hr", "legal"],
                        "aws:PrincipalTag/role": ["audit", "security"],
                    },
                    "StringEquals": {"aws:PrincipalAccount": ACCOUNT},
                },
            )
        ),
        IMPLICIT,
    ),
]


# --- aws:MultiFactorAuthPresent ("AWS global condition context keys"): long-term access keys carry
# no such key, so Bool true fails where BoolIfExists true passes, and Deny Bool false misses them.

MFA = [
    case(
        "allow-bool-mfa-true-refuses-long-term-key",
        req("iam:DeactivateMFADevice", USER),
        doc(allow("iam:*", **when("Bool", "aws:MultiFactorAuthPresent", "true"))),
        IMPLICIT,
    ),
    case(
        "allow-bool-if-exists-mfa-true-admits-long-term-key",
        req("iam:DeactivateMFADevice", USER),
        doc(allow("iam:*", **when("BoolIfExists", "aws:MultiFactorAuthPresent", "true"))),
        ALLOW,
    ),
    case(
        "allow-bool-if-exists-mfa-true-refuses-session-without-mfa",
        req("iam:DeactivateMFADevice", USER, {"aws:MultiFactorAuthPresent": False}),
        doc(allow("iam:*", **when("BoolIfExists", "aws:MultiFactorAuthPresent", True))),
        IMPLICIT,
    ),
    case(
        "deny-bool-mfa-false-misses-long-term-key",
        req("iam:DeleteUser", USER),
        doc(allow("iam:*"), deny("*", **when("Bool", "aws:MultiFactorAuthPresent", "false"))),
        ALLOW,
    ),
    case(
        "deny-bool-if-exists-mfa-false-catches-long-term-key",
        req("iam:DeleteUser", USER),
        doc(
            allow("iam:*"), deny("*", **when("BoolIfExists", "aws:MultiFactorAuthPresent", "false"))
        ),
        EXPLICIT,
    ),
]


# --- "Creating a condition with multiple keys or values" (reference_policies_multi-value-
# conditions): the dynamodb:Attributes Thread-table examples, and empty or missing sets.

ATTRIBUTES_ALLOWED = doc(
    allow(
        "dynamodb:GetItem",
        "arn:aws:dynamodb:*:*:table/Thread",
        **when("ForAllValues:StringEquals", "dynamodb:Attributes", ["ID", "Message", "Tags"]),
    )
)
ATTRIBUTES_FORBIDDEN = doc(
    allow("dynamodb:*"),
    deny(
        "dynamodb:PutItem",
        "arn:aws:dynamodb:*:*:table/Thread",
        **when("ForAnyValue:StringEquals", "dynamodb:Attributes", ["ID", "PostDateTime"]),
    ),
)
THREAD = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/Thread"


def get_item(attributes: list[str] | None) -> Request:
    context = {} if attributes is None else {"dynamodb:Attributes": attributes}
    return req("dynamodb:GetItem", THREAD, context)


def put_item(attributes: list[str] | None) -> Request:
    context = {} if attributes is None else {"dynamodb:Attributes": attributes}
    return req("dynamodb:PutItem", THREAD, context)


MULTIVALUED = [
    case(
        "for-all-values-subset",
        get_item(["ID", "Message", "Tags"]),
        ATTRIBUTES_ALLOWED,
        ALLOW,
    ),
    case(
        "for-all-values-extra-member-fails",
        get_item(["Message", "UserName"]),
        ATTRIBUTES_ALLOWED,
        IMPLICIT,
    ),
    case("for-all-values-missing-key-is-true", get_item(None), ATTRIBUTES_ALLOWED, ALLOW),
    case("for-all-values-empty-set-is-true", get_item([]), ATTRIBUTES_ALLOWED, ALLOW),
    case(
        "for-any-value-one-forbidden-member-denies",
        put_item(["UserName", "Message", "PostDateTime"]),
        ATTRIBUTES_FORBIDDEN,
        EXPLICIT,
    ),
    case(
        "for-any-value-no-forbidden-member",
        put_item(["UserName"]),
        ATTRIBUTES_FORBIDDEN,
        ALLOW,
    ),
    case("for-any-value-missing-key-is-false", put_item(None), ATTRIBUTES_FORBIDDEN, ALLOW),
    case("for-any-value-empty-set-is-false", put_item([]), ATTRIBUTES_FORBIDDEN, ALLOW),
    case(
        "for-all-values-string-like-tag-keys",
        req("iam:TagRole", ROLE, {"aws:TagKeys": ["CreatedBy", "CreatedAt"]}),
        doc(allow("iam:TagRole", **when("ForAllValues:StringLike", "aws:TagKeys", "Created*"))),
        ALLOW,
    ),
    # "Multivalued context key examples": a Null false check stops ForAllValues from being
    # vacuously true on an empty or missing aws:TagKeys.
    case(
        "for-all-values-deny-is-vacuously-true-on-empty-tags",
        req("iam:TagRole", ROLE, {"aws:TagKeys": []}),
        doc(
            allow("iam:*"),
            deny("iam:TagRole", **when("ForAllValues:StringLike", "aws:TagKeys", "key1*")),
        ),
        EXPLICIT,
    ),
    case(
        "null-false-treats-empty-tags-as-null",
        req("iam:TagRole", ROLE, {"aws:TagKeys": []}),
        doc(
            allow("iam:*"),
            deny(
                "iam:TagRole",
                Condition={
                    "ForAllValues:StringLike": {"aws:TagKeys": "key1*"},
                    "Null": {"aws:TagKeys": "false"},
                },
            ),
        ),
        ALLOW,
    ),
    case(
        "null-false-with-matching-tags-denies",
        req("iam:TagRole", ROLE, {"aws:TagKeys": ["key1-a"]}),
        doc(
            allow("iam:*"),
            deny(
                "iam:TagRole",
                Condition={
                    "ForAllValues:StringLike": {"aws:TagKeys": "key1*"},
                    "Null": {"aws:TagKeys": "false"},
                },
            ),
        ),
        EXPLICIT,
    ),
    case(
        "for-any-value-string-not-equals-one-member-matches-none",
        req("iam:TagRole", ROLE, {"aws:TagKeys": ["Dept", "Owner"]}),
        doc(
            allow("iam:TagRole"),
            deny(
                "iam:TagRole",
                **when("ForAnyValue:StringNotEquals", "aws:TagKeys", ["Dept", "Cost"]),
            ),
        ),
        EXPLICIT,
    ),
    case(
        "for-all-values-string-not-equals-fails-if-any-member-is-listed",
        req("iam:TagRole", ROLE, {"aws:TagKeys": ["Dept", "Owner"]}),
        doc(
            allow(
                "iam:TagRole",
                **when("ForAllValues:StringNotEquals", "aws:TagKeys", ["Dept", "Cost"]),
            )
        ),
        IMPLICIT,
    ),
]


# --- "IAM policy elements: Variables and tags" (reference_policies_variables).

OWN_KEYS = doc(allow("iam:*AccessKey*", f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}"))
TEAM_BUCKET = doc(
    allow("s3:*", "arn:aws:s3:::DOC-EXAMPLE-BUCKET-${aws:PrincipalTag/team, 'company-wide'}")
)

VARIABLES = [
    case(
        "username-variable-own-user",
        req("iam:CreateAccessKey", USER, {"aws:username": "bob"}),
        OWN_KEYS,
        ALLOW,
    ),
    case(
        "username-variable-other-user",
        req("iam:CreateAccessKey", f"arn:aws:iam::{ACCOUNT}:user/alice", {"aws:username": "bob"}),
        OWN_KEYS,
        IMPLICIT,
    ),
    case(
        "variable-without-value-matches-no-resource",
        req("iam:CreateAccessKey", f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}"),
        OWN_KEYS,
        IMPLICIT,
    ),
    case(
        "variable-without-version-is-literal",
        req("iam:CreateAccessKey", f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}"),
        doc(OWN_KEYS["Statement"][0], version=None),
        ALLOW,
    ),
    case(
        "variable-in-string-like-condition",
        req("s3:ListBucket", BUCKET, {"aws:username": "bob", "s3:prefix": "home/bob/"}),
        doc(
            allow(
                "s3:ListBucket",
                **when("StringLike", "s3:prefix", ["", "home/", "home/${aws:username}/"]),
            )
        ),
        ALLOW,
    ),
    case(
        "escaped-star-matches-an-asterisk",
        req("s3:ListBucket", BUCKET, {"s3:prefix": "a*b"}),
        doc(allow("s3:ListBucket", **when("StringLike", "s3:prefix", "a${*}b"))),
        ALLOW,
    ),
    case(
        "escaped-star-is-literal",
        req("s3:ListBucket", BUCKET, {"s3:prefix": "a-b"}),
        doc(allow("s3:ListBucket", **when("StringLike", "s3:prefix", "a${*}b"))),
        IMPLICIT,
    ),
    case(
        "default-value-when-tag-present",
        req(
            "s3:GetObject",
            "arn:aws:s3:::DOC-EXAMPLE-BUCKET-yellow",
            {"aws:PrincipalTag/team": "yellow"},
        ),
        TEAM_BUCKET,
        ALLOW,
    ),
    case(
        "default-value-when-tag-missing",
        req("s3:GetObject", "arn:aws:s3:::DOC-EXAMPLE-BUCKET-company-wide"),
        TEAM_BUCKET,
        ALLOW,
    ),
    case(
        "negated-operator-with-valueless-variable-matches",
        req("s3:GetObject", f"{BUCKET}/k", {"s3:ExistingObjectTag/Team": "red"}),
        doc(
            allow("s3:*"),
            deny(
                "s3:GetObject",
                **when("StringNotEquals", "s3:ExistingObjectTag/Team", "${aws:PrincipalTag/Team}"),
            ),
        ),
        EXPLICIT,
    ),
    case(
        "principal-arn-comes-from-request-principal",
        req("s3:GetObject", f"{BUCKET}/k", principal=ROLE),
        doc(
            allow(
                "s3:*", **when("ArnLike", "aws:PrincipalArn", f"arn:aws:iam::{ACCOUNT}:role/ml/*")
            )
        ),
        ALLOW,
    ),
]


ALL_CASES = (
    EVALUATION_LOGIC
    + BOUNDARIES
    + PRINCIPALS
    + ACTIONS_AND_RESOURCES
    + CONDITIONS
    + MFA
    + MULTIVALUED
    + VARIABLES
)


@pytest.mark.parametrize("c", ALL_CASES)
def test_decision(c: Case) -> None:
    result = evaluate(
        c.request, c.identity, boundaries=c.boundaries, resource_policy=c.resource_policy
    )
    assert result.decision == c.expected
    assert result.allowed == (c.expected is ALLOW)
    if c.matched is not None:
        assert result.matched == c.matched


# --- Fail closed: whatever is not understood raises UnsupportedPolicy naming it.

S3_GET = req("s3:GetObject", f"{BUCKET}/k")


def raises(id: str, match: str, identity: Any = (), request: Request = S3_GET, **kw: Any) -> Any:
    return pytest.param(id, match, identity, request, kw, id=id)


UNSUPPORTED = [
    raises(
        "unknown-operator",
        "StringEqualz",
        [doc(allow("s3:*", **when("StringEqualz", "aws:username", "x")))],
    ),
    raises(
        "unknown-operator-in-unrelated-deny",
        "NumericBetween",
        [doc(allow("s3:*"), deny("ec2:*", **when("NumericBetween", "k", "1")))],
    ),
    raises(
        "unknown-statement-element",
        "Actions",
        [doc({"Effect": "Allow", "Actions": "s3:*", "Resource": "*"})],
    ),
    raises("unknown-document-element", "Statements", [{"Version": "2012-10-17", "Statements": []}]),
    raises(
        "lower-case-effect", "Effect", [doc({"Effect": "allow", "Action": "s3:*", "Resource": "*"})]
    ),
    raises("no-action", "neither Action", [doc({"Effect": "Allow", "Resource": "*"})]),
    raises(
        "action-and-not-action",
        "both Action and NotAction",
        [doc({"Effect": "Allow", "Action": "s3:*", "NotAction": "iam:*", "Resource": "*"})],
    ),
    raises(
        "principal-in-identity-policy",
        "only valid in a resource policy",
        [doc(allow("s3:*", Principal="*"))],
    ),
    raises(
        "null-if-exists", "NullIfExists", [doc(allow("s3:*", **when("NullIfExists", "k", "true")))]
    ),
    raises(
        "set-qualifier-with-if-exists",
        "IfExists",
        [doc(allow("s3:*", **when("ForAnyValue:StringEqualsIfExists", "k", "v")))],
    ),
    raises(
        "bad-number", "not a number", [doc(allow("s3:*", **when("NumericLessThan", "k", "ten")))]
    ),
    # Decimal() reads other scripts' digits as numbers; IAM takes ASCII digits only.
    raises(
        "arabic-indic-number",
        "not a number",
        [doc(allow("s3:*", **when("NumericLessThan", "k", "\u0661\u0660")))],
    ),
    raises(
        "full-width-number",
        "not a number",
        [doc(allow("s3:*", **when("NumericLessThan", "k", "\uff11\uff10")))],
    ),
    raises(
        "arabic-indic-epoch",
        "not an ISO 8601 date or epoch time",
        [doc(allow("s3:*", **when("DateLessThan", "aws:CurrentTime", "\u0661" * 10)))],
    ),
    raises(
        "date-without-zone",
        "time zone",
        [doc(allow("s3:*", **when("DateLessThan", "aws:CurrentTime", "2020-01-01")))],
    ),
    raises("unknown-version", "Version", [doc(allow("s3:*"), version="2012-10-18")]),
    raises(
        "single-valued-operator-on-multivalued-key",
        "ForAllValues or ForAnyValue",
        [doc(allow("iam:*", **when("StringEquals", "aws:TagKeys", "Owner")))],
        req("iam:TagRole", ROLE, {"aws:TagKeys": ["Owner"]}),
    ),
    raises(
        "variable-before-fifth-colon",
        "fifth colon",
        [doc(allow("iam:*", "arn:aws:iam::${aws:PrincipalAccount}:role/x"))],
    ),
    raises(
        "multivalued-key-as-variable",
        "multivalued",
        [doc(allow("s3:*", f"{BUCKET}/${{aws:TagKeys}}"))],
        req("s3:GetObject", f"{BUCKET}/k", {"aws:TagKeys": ["a"]}),
    ),
    raises(
        "variable-in-numeric",
        "policy variables",
        [doc(allow("s3:*", **when("NumericEquals", "k", "${aws:x}")))],
    ),
    raises("resource-not-an-arn", "neither", [doc(allow("s3:*", "DOC-EXAMPLE-BUCKET/*"))]),
    raises(
        "session-principal-arn-cannot-be-derived",
        "aws:PrincipalArn",
        [doc(allow("s3:*", **when("ArnLike", "aws:PrincipalArn", ROLE)))],
        GET_OBJECT,
    ),
    raises(
        "partial-wildcard-principal",
        "AWS principal",
        resource_policy=bucket_policy("Allow", {"AWS": f"arn:aws:iam::{ACCOUNT}:role/*"}),
        request=GET_OBJECT,
    ),
    raises(
        "canonical-user-principal",
        "CanonicalUser",
        resource_policy=bucket_policy(
            "Allow", {"CanonicalUser": "79a59df900b949e55d96a1e698fbaced"}
        ),
        request=GET_OBJECT,
    ),
    raises(
        "not-principal-with-allow",
        "NotPrincipal with Effect Allow",
        resource_policy=doc(
            {"Effect": "Allow", "NotPrincipal": {"AWS": USER}, "Action": "s3:*", "Resource": "*"}
        ),
        request=GET_OBJECT,
    ),
    raises(
        "not-principal-partial-chain",
        "part of",
        [doc(allow("s3:*"))],
        GET_OBJECT,
        resource_policy=doc(
            {
                "Effect": "Deny",
                "NotPrincipal": {"AWS": [SESSION]},
                "Action": "s3:*",
                "Resource": "*",
            }
        ),
    ),
    raises(
        "resource-policy-without-request-principal",
        "Request.principal",
        resource_policy=bucket_policy("Allow", "*"),
    ),
    raises(
        "resource-statement-without-principal",
        "needs a Principal",
        resource_policy=doc(allow("s3:*")),
        request=GET_OBJECT,
    ),
    raises(
        "key-without-key-policy",
        "key or trust policy",
        [doc(allow("kms:*"))],
        req("kms:Decrypt", KEY, principal=SESSION),
    ),
    raises(
        "cross-account",
        "different accounts",
        [doc(allow("kms:*"))],
        req("kms:Decrypt", KEY.replace(ACCOUNT, "444455556666"), principal=SESSION),
        resource_policy=doc(KEY_ADMIN_DELEGATION),
    ),
]


@pytest.mark.parametrize(("id", "match", "identity", "request_", "kw"), UNSUPPORTED)
def test_unsupported_policy_fails_closed(
    id: str, match: str, identity: Any, request_: Request, kw: dict[str, Any]
) -> None:
    with pytest.raises(UnsupportedPolicy, match=match):
        evaluate(request_, identity, **kw)


def test_unsupported_policy_is_a_value_error() -> None:
    assert issubclass(UnsupportedPolicy, ValueError)


def test_a_single_document_is_not_a_sequence_of_policies() -> None:
    with pytest.raises(TypeError):
        evaluate(S3_GET, doc(allow("s3:*")))  # type: ignore[arg-type]


def test_context_keys_differing_only_in_case_are_refused() -> None:
    with pytest.raises(ValueError, match="twice"):
        Request("s3:GetObject", "*", {"aws:username": "a", "AWS:UserName": "b"})


def test_statement_applies_identity_statement() -> None:
    statement = allow(
        "iam:PassRole",
        ROLE,
        **when("StringEquals", "iam:PassedToService", "sagemaker.amazonaws.com"),
    )
    passed = req("iam:PassRole", ROLE, {"iam:PassedToService": "sagemaker.amazonaws.com"})
    assert statement_applies(statement, passed)
    assert not statement_applies(statement, req("iam:PassRole", ROLE))


def test_statement_applies_checks_the_principal_of_a_resource_statement() -> None:
    statement = {"Effect": "Allow", "Principal": {"AWS": ROOT}, "Action": "s3:*", "Resource": "*"}
    assert statement_applies(statement, GET_OBJECT)
    elsewhere = req("s3:GetObject", f"{BUCKET}/k", principal="arn:aws:iam::444455556666:user/eve")
    assert not statement_applies(statement, elsewhere)
