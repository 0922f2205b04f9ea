"""The one typed gateway over boto3 that every AWS call goes through.

Retries are botocore's own (standard mode by default: throttling and 5xx are retried with
jittered backoff); the session is injected, so a profile, an endpoint (`AWS_ENDPOINT_URL`, the
local emulator) or a test's session all come in from outside. Clients live on the instance,
never in a class-level cache. Errors leave as three kinds only: `CredentialsProblem` (exit 2),
`StackBusy` (another operation runs) and `AwsFailure` (exit 1), each naming the call.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

import boto3
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
    PartialCredentialsError,
    ProfileNotFound,
    TokenRetrievalError,
)

from provisioner.deploy.errors import (
    AwsFailure,
    CredentialsProblem,
    EndpointNotAws,
    EndpointUnreachable,
    StackBusy,
)
from provisioner.deploy.records import (
    ChangeSetInfo,
    DriftDetection,
    EventMark,
    ResourceChange,
    ResourceDrift,
    ResourceToImport,
    StackEvent,
    StackInfo,
    StackResource,
    change_from_api,
    event_from_api,
    stack_from_api,
)
from provisioner.errors import InputError
from provisioner.fleet.budget import THROTTLING_CODES, WAITING_OPERATIONS, ApiBudget
from provisioner.fleet.shared_reads import SharedReads
from provisioner.partition import partition_of
from provisioner.stack_sets.published import template_url

if TYPE_CHECKING:  # the stubs (types-boto3) are a test dependency: annotations only
    from botocore.client import BaseClient
    from botocore.model import OperationModel
    from types_boto3_cloudformation import CloudFormationClient
    from types_boto3_cloudformation.type_defs import (
        CreateChangeSetInputTypeDef,
        DescribeChangeSetInputTypeDef,
        DescribeStackEventsInputTypeDef,
        DescribeStackResourceDriftsInputTypeDef,
    )
    from types_boto3_cloudwatch import CloudWatchClient
    from types_boto3_codebuild import CodeBuildClient
    from types_boto3_codecommit import CodeCommitClient
    from types_boto3_codepipeline import CodePipelineClient
    from types_boto3_ec2 import EC2Client
    from types_boto3_events import EventBridgeClient
    from types_boto3_iam import IAMClient
    from types_boto3_kms import KMSClient
    from types_boto3_logs import CloudWatchLogsClient
    from types_boto3_s3 import S3Client
    from types_boto3_sagemaker import SageMakerClient
    from types_boto3_sns import SNSClient
    from types_boto3_ssm import SSMClient
    from types_boto3_ssm.type_defs import GetParametersByPathRequestTypeDef
    from types_boto3_sts import STSClient

    from provisioner.deploy.clients import ServiceName

T = TypeVar("T")

# botocore's retry modes (AWS_RETRY_MODE); it refuses any other.
RetryMode = Literal["legacy", "standard", "adaptive"]
RETRY_MODES: tuple[RetryMode, ...] = ("legacy", "standard", "adaptive")
# The change sets the tools make: a stack's first, an update of one that exists, or the
# import of retained resources that creates a stack (deploy/adoption.py).
ChangeSetKind = Literal["CREATE", "UPDATE", "IMPORT"]

# Every answer of an AWS API carries its request id in one of these headers, errors too (the
# emulator's as well); a web server that is not AWS sends none. Server errors (5xx) are left to
# the retries: a load balancer in front of AWS may answer one without an id.
_REQUEST_ID_HEADERS = ("x-amzn-requestid", "x-amz-request-id", "x-amz-id-2")


# S3's answers to a GetObject of a template that is not published where deploy reads it.
_UNPUBLISHED_CODES = ("NoSuchKey", "NoSuchBucket", "AccessDenied", "403")


class _NotAws(Exception):
    def __init__(self, status: int, content_type: str) -> None:
        self.status = status
        self.content_type = content_type
        super().__init__(f"HTTP {status}")


def _refuse_answers_not_from_aws(response_dict: dict[str, Any], **_: Any) -> None:
    headers = {str(k).lower(): str(v) for k, v in response_dict.get("headers", {}).items()}
    status = int(response_dict.get("status_code", 0))
    if status < 500 and not any(headers.get(h) for h in _REQUEST_ID_HEADERS):
        raise _NotAws(status, headers.get("content-type", "no content type"))


# botocore's credential provider (`Credentials.method`) → where the credentials came from, when
# no profile was named: a profile then means the default one.
_SOURCES = {
    "env": "AWS_ACCESS_KEY_ID in the environment",
    "explicit": "the environment",  # handed over by the CLI from AWS_ACCESS_KEY_ID
    "shared-credentials-file": "profile 'default' (shared credentials file)",
    "config-file": "profile 'default' (config file)",
    "assume-role": "profile 'default' (assume-role)",
    "assume-role-with-web-identity": "a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE)",
    "sso": "profile 'default' (SSO)",
    "custom-process": "profile 'default' (credential_process)",
    "container-role": "the container's role",
    "iam-role": "the instance's role (instance metadata)",
}

_CREDENTIAL_CODES = {
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "AuthFailure",
    "RequestExpired",
}


class AwsGateway:
    """Typed calls to CloudFormation, STS, S3 and SSM; other services' reads: service_reads."""

    def __init__(
        self,
        session: boto3.session.Session,
        region: str,
        *,
        endpoint_url: str | None = None,
        profile: str | None = None,
        action: str = "",
        retry_mode: RetryMode = "standard",
        max_attempts: int = 5,
        cancel: threading.Event | None = None,
        budget: ApiBudget | None = None,
        shared_reads: SharedReads | None = None,
    ) -> None:
        self.session = session
        # Set by a run over several configs on Ctrl-C (only the main thread gets the signal):
        # the next call of this gateway stops as Ctrl-C would stop it in a run of one config.
        self.cancel = cancel
        # Shared by the stacks of a run over several configs: their polls' one rate limit.
        self.budget = budget
        # Shared by the configs of such a run: reads they would all make alike, made once.
        self.shared_reads = shared_reads
        self._polling = threading.local()  # depth of `polling()` blocks, per thread
        self.region = region
        self.endpoint_url = endpoint_url
        self.profile = profile
        self.action = action
        self._config = Config(
            region_name=region,
            retries={"mode": retry_mode, "max_attempts": max_attempts},
            connect_timeout=10,
            read_timeout=60,
        )
        self._clients: dict[str, BaseClient] = {}
        self._uploaded: set[tuple[str, str]] = set()
        self.calls: list[str] = []  # "service:Operation", in order, for reports and benchmarks

    # -- plumbing -------------------------------------------------------------------------------
    @overload
    def client(self, service: Literal["cloudformation"]) -> CloudFormationClient: ...
    @overload
    def client(self, service: Literal["cloudwatch"]) -> CloudWatchClient: ...
    @overload
    def client(self, service: Literal["codebuild"]) -> CodeBuildClient: ...
    @overload
    def client(self, service: Literal["codecommit"]) -> CodeCommitClient: ...
    @overload
    def client(self, service: Literal["codepipeline"]) -> CodePipelineClient: ...
    @overload
    def client(self, service: Literal["ec2"]) -> EC2Client: ...
    @overload
    def client(self, service: Literal["events"]) -> EventBridgeClient: ...
    @overload
    def client(self, service: Literal["iam"]) -> IAMClient: ...
    @overload
    def client(self, service: Literal["kms"]) -> KMSClient: ...
    @overload
    def client(self, service: Literal["logs"]) -> CloudWatchLogsClient: ...
    @overload
    def client(self, service: Literal["s3"]) -> S3Client: ...
    @overload
    def client(self, service: Literal["sagemaker"]) -> SageMakerClient: ...
    @overload
    def client(self, service: Literal["sns"]) -> SNSClient: ...
    @overload
    def client(self, service: Literal["ssm"]) -> SSMClient: ...
    @overload
    def client(self, service: Literal["sts"]) -> STSClient: ...
    def client(self, service: ServiceName) -> BaseClient:
        """The service's client, made once per gateway, typed by the stubs for each service."""
        if service not in self._clients:
            try:
                client = self.session.client(
                    service, endpoint_url=self.endpoint_url, config=self._config
                )
            except ValueError as exc:  # botocore's own check of the endpoint URL
                raise EndpointUnreachable(
                    self.action or "aws action",
                    f"{exc}; --endpoint-url / AWS_ENDPOINT_URL takes an http:// or https:// URL, "
                    "e.g. http://localhost:4566",
                ) from exc
            client.meta.events.register("before-call", self._count)
            if self.budget is not None:
                self._hold_to_budget(client, self.budget, self.is_polling)
            client.meta.events.register("before-parse", _refuse_answers_not_from_aws)
            self._clients[service] = client
        return self._clients[service]

    @contextmanager
    def polling(self) -> Iterator[None]:
        """The calls made inside wait on CloudFormation (a change set being made, a stack
        operation followed): in a run that shares an API budget, each one takes a token."""
        self._polling.depth = getattr(self._polling, "depth", 0) + 1
        try:
            yield
        finally:
            self._polling.depth -= 1

    def is_polling(self) -> bool:
        return bool(getattr(self._polling, "depth", 0))

    @staticmethod
    def _hold_to_budget(client: BaseClient, budget: ApiBudget, polling: Callable[[], bool]) -> None:
        """Every attempt of a polling call (botocore's retries included) takes a token; every
        answer tells the budget whether CloudFormation throttled it. A stack's one-off reads
        (its state before a change, its outputs after) do not wait on anything: not held."""
        service = client.meta.service_model.service_name

        def hold(**_: Any) -> None:
            if polling():
                budget.acquire()

        for operation in WAITING_OPERATIONS:
            owner, name = operation.split(":")
            if owner == service:
                client.meta.events.register(f"before-send.{service}.{name}", hold)

        def feedback(response: Any = None, **_: Any) -> None:
            if response is None:  # no answer (a connection error): nothing to learn
                return
            code = response[1].get("Error", {}).get("Code", "")
            if code in THROTTLING_CODES:
                budget.throttled()
            else:
                budget.answered()

        client.meta.events.register(f"needs-retry.{service}", feedback)

    def _count(self, model: OperationModel, **_: Any) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise KeyboardInterrupt
        self.calls.append(f"{model.service_model.service_name}:{model.name}")

    def call(self, what: str, call: Callable[[], T]) -> T:
        """`call()`, its failures as the engine's errors (for the gateways of other parts of
        CloudFormation, e.g. stack_set_gateway, that share this one's clients)."""
        return self._call(what, call)

    def _call(self, what: str, call: Callable[[], T]) -> T:
        try:
            return call()
        except (NoCredentialsError, PartialCredentialsError, TokenRetrievalError) as exc:
            raise self._credentials(f"no usable AWS credentials ({exc})") from exc
        except ProfileNotFound as exc:
            raise self._credentials(f"the AWS profile does not exist ({exc})") from exc
        except NoRegionError as exc:
            raise self._credentials(str(exc)) from exc
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code, message = error.get("Code", ""), error.get("Message", "")
            if code in _CREDENTIAL_CODES:
                raise self._credentials(f"AWS refused the credentials: {code}: {message}") from exc
            if (code == "ValidationError" and "_IN_PROGRESS state" in message) or code in (
                "AlreadyExistsException",  # another run created it a moment ago
                "InvalidChangeSetStatus",  # another run's change set was executed first
                "NameAlreadyExistsException",  # a stack set another run created a moment ago
                "OperationInProgressException",  # a stack set runs another operation
            ):
                raise StackBusy(message) from exc
            raise AwsFailure(f"{what}: {code}: {message}") from exc
        except _NotAws as exc:
            where = self.endpoint_url or f"the AWS endpoint in {self.region}"
            raise EndpointNotAws(
                self.action or "aws action",
                f"{where} is not an AWS endpoint: it answered {what} with HTTP {exc.status} "
                f"({exc.content_type}) and no AWS request id; check --endpoint-url / "
                "AWS_ENDPOINT_URL",
            ) from exc
        except EndpointConnectionError as exc:
            where = self.endpoint_url or f"AWS in {self.region}"
            raise EndpointUnreachable(
                self.action or "aws action",
                f"cannot reach {where} ({exc}); check --endpoint-url / AWS_ENDPOINT_URL and "
                "the network",
            ) from exc
        except BotoCoreError as exc:
            raise AwsFailure(f"{what}: {exc}") from exc

    def _credentials(self, detail: str) -> CredentialsProblem:
        where = f" (endpoint {self.endpoint_url})" if self.endpoint_url else ""
        source = self.credential_source
        found = (
            f"credentials from {source}"
            if source
            else "found none: no --profile or AWS_PROFILE, no AWS_ACCESS_KEY_ID, no default "
            "profile, no instance or container role"
        )
        return CredentialsProblem(
            f"{self.action or 'aws action'}",
            f"{detail}{where}; {found}. Set AWS_PROFILE / "
            "--profile, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and try again",
        )

    @property
    def credential_source(self) -> str | None:
        """Where the credentials came from, as botocore found them (never a guess), or None
        when it found none."""
        if self.profile:
            return f"profile {self.profile!r}"
        credentials = self.session.get_credentials()
        if credentials is None:
            return None
        method = getattr(credentials, "method", "") or ""
        return _SOURCES.get(method, f"botocore's {method!r} provider" if method else "unknown")

    @staticmethod
    def _missing(exc: AwsFailure) -> bool:
        text = str(exc)
        return "does not exist" in text or "NotFound" in text or "NoSuchEntity" in text

    # -- CloudFormation -------------------------------------------------------------------------
    def describe_stack(self, name: str) -> StackInfo | None:
        cf = self.client("cloudformation")
        try:
            raw = self._call("DescribeStacks", lambda: cf.describe_stacks(StackName=name))
        except AwsFailure as exc:
            if self._missing(exc):
                return None
            raise
        stacks = raw.get("Stacks", [])
        return stack_from_api(stacks[0]) if stacks else None

    def events_since(
        self, stack_id: str, since: datetime | None, seen: set[str]
    ) -> list[StackEvent]:
        """New events of the stack, oldest first: newer than `since` and not in `seen`."""
        cf = self.client("cloudformation")
        found: list[StackEvent] = []
        token: str | None = None
        while True:
            kwargs: DescribeStackEventsInputTypeDef = {"StackName": stack_id}
            if token:
                kwargs["NextToken"] = token
            page = self._call("DescribeStackEvents", partial(cf.describe_stack_events, **kwargs))
            done = False
            for raw in page.get("StackEvents", []):  # newest first
                event = event_from_api(raw)
                if event.event_id in seen or (since is not None and event.timestamp < since):
                    done = True
                    break
                found.append(event)
            token = page.get("NextToken")
            if done or not token:
                break
        found.reverse()
        return found

    def event_mark(self, stack_id: str) -> EventMark:
        """Where the stack's event history stands now (one call): follow from here."""
        cf = self.client("cloudformation")
        page = self._call(
            "DescribeStackEvents", lambda: cf.describe_stack_events(StackName=stack_id)
        )
        events = [event_from_api(raw) for raw in page.get("StackEvents", [])]
        if not events:
            return EventMark(None, frozenset())
        return EventMark(events[0].timestamp, frozenset(e.event_id for e in events))

    def create_change_set(
        self, stack: str, name: str, change_set_type: ChangeSetKind, *, body: str | None,
        url: str | None,
        description: str, tags: dict[str, str],
        resources_to_import: tuple[ResourceToImport, ...] = (),
    ) -> str:  # fmt: skip
        cf = self.client("cloudformation")
        kwargs: CreateChangeSetInputTypeDef = {
            "StackName": stack,
            "ChangeSetName": name,
            "ChangeSetType": change_set_type,
            "Capabilities": ["CAPABILITY_NAMED_IAM"],
            "Description": description[:1024],
            "Tags": [{"Key": k, "Value": v} for k, v in sorted(tags.items())],
        }
        if resources_to_import:
            kwargs["ResourcesToImport"] = [
                {"ResourceType": r.resource_type, "LogicalResourceId": r.logical_id,
                 "ResourceIdentifier": dict(r.identifier)}
                for r in resources_to_import
            ]  # fmt: skip
        if url:
            kwargs["TemplateURL"] = url
        elif body is not None:
            kwargs["TemplateBody"] = body
        else:
            raise ValueError(f"change set {name} of {stack}: no template body, no template URL")
        raw = self._call("CreateChangeSet", lambda: cf.create_change_set(**kwargs))
        return str(raw["Id"])

    def describe_change_set(self, change_set_id: str, stack: str | None = None) -> ChangeSetInfo:
        """By ARN; or by name, on the stack `stack`."""
        cf = self.client("cloudformation")
        changes: list[ResourceChange] = []
        token: str | None = None
        while True:
            kwargs: DescribeChangeSetInputTypeDef = {"ChangeSetName": change_set_id}
            if stack:
                kwargs["StackName"] = stack
            if token:
                kwargs["NextToken"] = token
            raw = self._call("DescribeChangeSet", partial(cf.describe_change_set, **kwargs))
            changes += [change_from_api(c) for c in raw.get("Changes", [])]
            token = raw.get("NextToken")
            if not token:
                break
        return ChangeSetInfo(
            change_set_id=raw.get("ChangeSetId", change_set_id),
            stack_id=raw.get("StackId", ""),
            status=raw.get("Status", ""),
            status_reason=raw.get("StatusReason", "") or "",
            execution_status=raw.get("ExecutionStatus", "") or "",
            created=raw.get("CreationTime"),
            changes=tuple(changes),
        )

    def execute_change_set(self, change_set_id: str) -> None:
        cf = self.client("cloudformation")
        # RetainExceptOnCreate: a failed first create removes what it made, retained or not,
        # so fixing the cause and running again is not blocked by an orphaned bucket or key.
        self._call(
            "ExecuteChangeSet",
            lambda: cf.execute_change_set(ChangeSetName=change_set_id, RetainExceptOnCreate=True),
        )

    def delete_change_set(self, change_set_id: str) -> None:
        cf = self.client("cloudformation")
        self._call("DeleteChangeSet", lambda: cf.delete_change_set(ChangeSetName=change_set_id))

    def delete_change_set_named(self, stack: str, name: str) -> bool:
        """Delete the stack's change set of this name: False when there is none (or no stack)."""
        cf = self.client("cloudformation")
        try:
            self._call(
                "DeleteChangeSet",
                lambda: cf.delete_change_set(ChangeSetName=name, StackName=stack),
            )
        except AwsFailure as exc:
            if self._missing(exc):
                return False
            raise
        return True

    def delete_stack(self, stack: str) -> None:
        cf = self.client("cloudformation")
        self._call("DeleteStack", lambda: cf.delete_stack(StackName=stack))

    def template_of(self, stack: str) -> dict[str, Any]:
        cf = self.client("cloudformation")
        raw = self._call(
            "GetTemplate", lambda: cf.get_template(StackName=stack, TemplateStage="Original")
        )
        body = raw.get("TemplateBody", {})
        if isinstance(body, str):
            parsed: dict[str, Any] = json.loads(body) if body.strip() else {}
            return parsed
        return dict(body)

    def stack_resources(self, stack: str) -> list[StackResource]:
        cf = self.client("cloudformation")
        raw = self._call(
            "DescribeStackResources", lambda: cf.describe_stack_resources(StackName=stack)
        )
        return [
            StackResource(
                logical_id=r["LogicalResourceId"],
                physical_id=r.get("PhysicalResourceId", "") or "",
                resource_type=r["ResourceType"],
                status=r.get("ResourceStatus", ""),
            )
            for r in raw.get("StackResources", [])
        ]

    def set_termination_protection(self, stack: str, enabled: bool) -> None:
        cf = self.client("cloudformation")
        self._call(
            "UpdateTerminationProtection",
            lambda: cf.update_termination_protection(
                StackName=stack, EnableTerminationProtection=enabled
            ),
        )

    def start_drift_detection(self, stack: str) -> str:
        cf = self.client("cloudformation")
        raw = self._call("DetectStackDrift", lambda: cf.detect_stack_drift(StackName=stack))
        return str(raw["StackDriftDetectionId"])

    def drift_detection(self, detection_id: str) -> DriftDetection:
        cf = self.client("cloudformation")
        raw = self._call(
            "DescribeStackDriftDetectionStatus",
            lambda: cf.describe_stack_drift_detection_status(StackDriftDetectionId=detection_id),
        )
        return DriftDetection(
            detection_status=raw.get("DetectionStatus", ""),
            stack_drift_status=raw.get("StackDriftStatus", ""),
            reason=raw.get("DetectionStatusReason", "") or "",
        )

    def resource_drifts(self, stack: str) -> list[ResourceDrift]:
        cf = self.client("cloudformation")
        drifts: list[ResourceDrift] = []
        token: str | None = None
        while True:
            kwargs: DescribeStackResourceDriftsInputTypeDef = {"StackName": stack}
            if token:
                kwargs["NextToken"] = token
            raw = self._call(
                "DescribeStackResourceDrifts",
                partial(cf.describe_stack_resource_drifts, **kwargs),
            )
            drifts += [
                ResourceDrift(
                    logical_id=d["LogicalResourceId"],
                    physical_id=d.get("PhysicalResourceId", "") or "",
                    resource_type=d.get("ResourceType", ""),
                    status=d.get("StackResourceDriftStatus", ""),
                    differences=tuple(
                        {
                            "path": p.get("PropertyPath", ""),
                            "expected": str(p.get("ExpectedValue", "")),
                            "actual": str(p.get("ActualValue", "")),
                            "kind": p.get("DifferenceType", ""),
                        }
                        for p in d.get("PropertyDifferences", [])
                    ),
                )
                for d in raw.get("StackResourceDrifts", [])
            ]
            token = raw.get("NextToken")
            if not token:
                return drifts

    # -- STS: whose account the credentials act in -------------------------------------------
    def caller_account(self) -> str:
        sts = self.client("sts")

        def read() -> str:
            raw = self._call("GetCallerIdentity", lambda: sts.get_caller_identity())
            return str(raw["Account"])

        if self.shared_reads is None:
            return read()
        # The configs of a run share their credentials (the flags and environment are the
        # run's): one identity for all of them.
        return self.shared_reads.account((self.endpoint_url, self.profile), read)

    def prerequisite_present(self, path: str) -> bool:
        """Whether any SSM parameter lies under `path` (a trust root or team deployed)."""
        if self.shared_reads is None:
            return bool(self.parameters_under(path))
        return self.shared_reads.present(
            (self.endpoint_url, self.profile, self.region, path),
            lambda: bool(self.parameters_under(path)),
        )

    # -- S3: templates over the TemplateBody limit ------------------------------------------
    def upload_template(self, bucket: str, key: str, body: str) -> str:
        """Upload once per run (the key is the body's hash) and return the template's URL."""
        s3 = self.client("s3")
        if (bucket, key) not in self._uploaded:
            try:
                self._call(
                    f"PutObject s3://{bucket}/{key}",
                    lambda: s3.put_object(
                        Bucket=bucket,
                        Key=key,
                        Body=body.encode("utf-8"),
                        ContentType="application/json",
                    ),
                )
            except AwsFailure as exc:
                if ": NoSuchBucket:" in str(exc):
                    raise InputError(
                        "template_bucket",
                        f"the bucket {bucket!r} does not exist; create it in {self.region} in "
                        "the account the credentials act in (templates over CloudFormation's "
                        "TemplateBody limit are uploaded there), or set template_bucket to one "
                        "that exists",
                    ) from exc
                raise
            self._uploaded.add((bucket, key))
        return self.template_url_of(bucket, key)

    def published_template_url(self, bucket: str, key: str, body: str, how: str, owner: str) -> str:
        """The URL of a template an administrator published at `key` (a service-managed stack
        set's), in a bucket of the account `owner`: read back once per run and compared with
        `body`, so a missing object, one in a bucket of another account, or one that is not the
        reviewed template, is refused (InputError, `how` says how to publish it) before any
        stack set changes."""
        if (bucket, key) not in self._uploaded:
            s3 = self.client("s3")
            where = f"s3://{bucket}/{key}"
            try:
                found = self._call(
                    f"GetObject {where}",
                    lambda: s3.get_object(Bucket=bucket, Key=key, ExpectedBucketOwner=owner)[
                        "Body"
                    ].read(),
                )
            except AwsFailure as exc:
                # Without s3:ListBucket, S3 answers a missing key with AccessDenied; a bucket
                # of another account (ExpectedBucketOwner) gets it too.
                if any(f": {code}:" in str(exc) for code in _UNPUBLISHED_CODES):
                    raise InputError(
                        "deployment.template_bucket",
                        f"the template is not published at {where}, or not readable there by "
                        f"these credentials in a bucket of account {owner}; {how}",
                    ) from exc
                raise
            if found != body.encode("utf-8"):
                raise InputError(
                    "deployment.template_bucket",
                    f"{where} does not hold the template this config generates (its content "
                    f"differs); {how}",
                )
            self._uploaded.add((bucket, key))
        return self.template_url_of(bucket, key)

    def template_url_of(self, bucket: str, key: str) -> str:
        """The TemplateURL of an object: path style at the emulator, else virtual-hosted at
        the region's S3 endpoint, as the service-managed operator policy pins it."""
        if self.endpoint_url:  # path style; the emulator wants `localhost`, not 127.0.0.1
            base = self.endpoint_url.rstrip("/").replace("://127.0.0.1", "://localhost")
            return f"{base}/{bucket}/{key}"
        return template_url(partition_of(self.region), self.region, bucket, key)

    # -- SSM: the stack outputs mirrored as parameters ---------------------------------------
    def parameters_under(self, path: str) -> dict[str, str]:
        ssm = self.client("ssm")
        found: dict[str, str] = {}
        token: str | None = None
        while True:
            kwargs: GetParametersByPathRequestTypeDef = {"Path": path, "Recursive": True}
            if token:
                kwargs["NextToken"] = token
            raw = self._call(
                f"GetParametersByPath {path}", partial(ssm.get_parameters_by_path, **kwargs)
            )
            found.update({p["Name"]: p.get("Value", "") for p in raw.get("Parameters", [])})
            token = raw.get("NextToken")
            if not token:
                return dict(sorted(found.items()))

    def delete_parameters(self, names: list[str]) -> None:
        ssm = self.client("ssm")
        for start in range(0, len(names), 10):  # the API takes ten at a time
            batch = names[start : start + 10]
            self._call("DeleteParameters", lambda b=batch: ssm.delete_parameters(Names=b))  # type: ignore[misc]

    def read(self, what: str, call: Callable[[], T]) -> T:
        """One read-only call of a service's own API, through this gateway's error mapping
        (the typed methods are in service_reads)."""
        return self._call(what, call)
