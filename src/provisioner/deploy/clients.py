"""The boto3 client of each AWS service the tools and their tests call, as the stubs type it.

For annotations only: import it under TYPE_CHECKING. The stubs (types-boto3 with one extra per
service, in the `test` extra) are not installed at run time, where boto3 returns its untyped
clients; mypy checks every call against the service's own API model through them.
"""

from __future__ import annotations

from typing import Literal, Protocol, overload

from types_boto3_cloudformation import CloudFormationClient
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
from types_boto3_sts import STSClient

# The services called: the gateway's own (CloudFormation, STS, S3, SSM), the smoke checks' reads
# (deploy/service_reads.py), and what the tests and the emulator's seeding set up.
ServiceName = Literal[
    "cloudformation",
    "cloudwatch",
    "codebuild",
    "codecommit",
    "codepipeline",
    "ec2",
    "events",
    "iam",
    "kms",
    "logs",
    "s3",
    "sagemaker",
    "sns",
    "ssm",
    "sts",
]


class RegionalClients(Protocol):
    """`clients(service, region)`: a client of one service in a region, e.g. against the
    emulator (its seeding, the tests' `aws` fixture)."""

    @overload
    def __call__(
        self, service: Literal["cloudformation"], region: str = ...
    ) -> CloudFormationClient: ...
    @overload
    def __call__(self, service: Literal["cloudwatch"], region: str = ...) -> CloudWatchClient: ...
    @overload
    def __call__(self, service: Literal["codebuild"], region: str = ...) -> CodeBuildClient: ...
    @overload
    def __call__(self, service: Literal["codecommit"], region: str = ...) -> CodeCommitClient: ...
    @overload
    def __call__(
        self, service: Literal["codepipeline"], region: str = ...
    ) -> CodePipelineClient: ...
    @overload
    def __call__(self, service: Literal["ec2"], region: str = ...) -> EC2Client: ...
    @overload
    def __call__(self, service: Literal["events"], region: str = ...) -> EventBridgeClient: ...
    @overload
    def __call__(self, service: Literal["iam"], region: str = ...) -> IAMClient: ...
    @overload
    def __call__(self, service: Literal["kms"], region: str = ...) -> KMSClient: ...
    @overload
    def __call__(self, service: Literal["logs"], region: str = ...) -> CloudWatchLogsClient: ...
    @overload
    def __call__(self, service: Literal["s3"], region: str = ...) -> S3Client: ...
    @overload
    def __call__(self, service: Literal["sagemaker"], region: str = ...) -> SageMakerClient: ...
    @overload
    def __call__(self, service: Literal["sns"], region: str = ...) -> SNSClient: ...
    @overload
    def __call__(self, service: Literal["ssm"], region: str = ...) -> SSMClient: ...
    @overload
    def __call__(self, service: Literal["sts"], region: str = ...) -> STSClient: ...
    def __call__(self, service: ServiceName, region: str = ...) -> object: ...
