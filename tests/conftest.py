"""Shared fixtures: example configs, an in-process CLI harness, and CloudFormation's own
data (handler permissions, IAM action catalogue) read from cfn-lint."""

from __future__ import annotations

import io
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from provisioner.cli import ml as ml_cli
from provisioner.config.ml import MlConfig
from provisioner.config.ml_loader import load_ml_config

if TYPE_CHECKING:
    from botocore.client import BaseClient

    from provisioner.deploy.clients import RegionalClients, ServiceName

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "configs"
ML_EXAMPLES = sorted(EXAMPLES.glob("*-ml-codecommit.yaml"))
ML_EXAMPLE_IDS = [p.name.split("-")[0] for p in ML_EXAMPLES]


@dataclass
class CliResult:
    code: int
    out: str
    err: str


CliRunner = Callable[..., CliResult]


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A working directory holding configs/ with the bundled examples, as the seeds assume."""
    shutil.copytree(EXAMPLES, tmp_path / "configs")
    return tmp_path


@pytest.fixture
def run_ml(workdir: Path) -> CliRunner:
    def run(*argv: str, cwd: Path | None = None) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        code = ml_cli.main(list(argv), cwd=cwd or workdir, stdout=out, stderr=err)
        return CliResult(int(code), out.getvalue(), err.getvalue())

    return run


@pytest.fixture(params=ML_EXAMPLES, ids=ML_EXAMPLE_IDS)
def ml_config(request: pytest.FixtureRequest) -> MlConfig:
    return load_ml_config(request.param)


def all_ml_configs() -> list[MlConfig]:
    return [load_ml_config(p) for p in ML_EXAMPLES]


@cache
def handler_permissions(region: str, resource_type: str) -> dict[str, list[str]]:
    """CloudFormation's registry schema `handlers` permissions, as shipped with cfn-lint."""
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    schema = PROVIDER_SCHEMA_MANAGER.get_resource_schema(region, resource_type).schema
    return {op: list(h.get("permissions", [])) for op, h in schema.get("handlers", {}).items()}


@cache
def resource_schema(region: str, resource_type: str) -> dict[str, Any]:
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    schema: dict[str, Any] = PROVIDER_SCHEMA_MANAGER.get_resource_schema(
        region, resource_type
    ).schema
    return schema


@cache
def iam_catalogue() -> dict[str, Any]:
    """The IAM action catalogue cfn-lint ships (service prefix → actions → resource types)."""
    import cfnlint

    path = Path(cfnlint.__file__).parent / "data" / "AdditionalSpecs" / "Policies.json"
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def catalogue_entry(action: str) -> dict[str, Any] | None:
    service, name = action.split(":", 1)
    entry: dict[str, Any] | None = (
        iam_catalogue().get(service.lower(), {}).get("Actions", {}).get(name.lower())
    )
    return entry


def cfn_lint(template_body: str, region: str) -> list[str]:
    import cfnlint.api

    matches = cfnlint.api.lint(template_body, regions=[region])
    return [f"{m.rule.id} {m.message} at {'/'.join(map(str, m.path))}" for m in matches]


SEC_EXAMPLES = sorted(EXAMPLES.glob("*-sec.yaml"))


@pytest.fixture
def run_sec(workdir: Path) -> CliRunner:
    from provisioner.cli import sec as sec_cli

    def run(*argv: str, cwd: Path | None = None) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        code = sec_cli.main(list(argv), cwd=cwd or workdir, stdout=out, stderr=err)
        return CliResult(int(code), out.getvalue(), err.getvalue())

    return run


def all_sec_configs() -> list[Any]:
    from provisioner.config.sec_loader import load_sec_config

    return [load_sec_config(p) for p in SEC_EXAMPLES]


def max_tags(own_per_resource: int) -> dict[str, str]:
    """As many extra tags as a config may give, each at AWS's longest key (128) and value (256):
    the most bytes tags can add to a template."""
    from provisioner.config.common import MAX_TAGS_PER_RESOURCE

    count = MAX_TAGS_PER_RESOURCE - own_per_resource
    return {f"tag-{i:02d}-".ljust(128, "k"): "v" * 256 for i in range(count)}


def largest_sec_config(tier: str) -> Any:
    """The largest config a SEC tier allows: every team at the longest name with every
    persona, every trusted account reading every team, every resource with as many and as
    long tags as allowed."""
    from provisioner.config.sec import SEC_OWN_TAGS_PER_RESOURCE, SecConfig, SecTier

    t = SecTier(tier)
    teams = [
        {
            "name": f"team{i:02d}-abcdefghij"[:16],
            "personas": ["data-scientist", "ml-engineer", "viewer"],
        }
        for i in range(t.max_teams)
    ]
    data = {
        "company_prefix": "bigcorp",
        "env": "prod",
        "tenant_id": "z999",
        "region": "eu-central-1",
        "account_id": "123456789012",
        "tier": tier,
        "teams": teams,
        "trusted_accounts": [
            {
                "name": f"partner{i:02d}",
                "account_id": f"{210987654300 + i}",
                "external_id": f"external-id-{i:04d}-abcdefgh",
            }
            for i in range(t.max_trusted_accounts)
        ],
        "tags": max_tags(SEC_OWN_TAGS_PER_RESOURCE),
    }
    if t is not SecTier.SMALL:
        data["template_bucket"] = "bigcorp-prod-z999-eu-central-1-templates"
    return SecConfig.model_validate(data)


# -- configs in the other partitions ------------------------------------------------------
GOVCLOUD_REGION = "us-gov-west-1"
CHINA_REGION = "cn-north-1"
# us-gov-west-1 is four characters longer than us-west-2, which takes two examples' artifacts
# bucket `{ml_name}-artifacts` past S3's 63 characters (validation refuses them there): their
# GovCloud copies take a shorter use case.
_SHORTER_USE_CASE = {"fraud-detection": "fraud", "demand-forecasting": "forecast"}


def _moved(example: Path, region: str, into: Path) -> Path:
    """The example with its region (in every name that carries it) replaced, written under
    the file name its contents call for, so that it is loaded as a user's file would be."""
    from provisioner.config.ml import MlConfig
    from provisioner.config.sec import SecConfig
    from provisioner.naming.ml import config_file_stem as ml_stem
    from provisioner.naming.sec import config_file_stem as sec_stem
    from provisioner.yaml_loader import load_yaml_mapping

    data = load_yaml_mapping(example)
    text = example.read_text(encoding="utf-8").replace(data["region"], region)
    for long, short in _SHORTER_USE_CASE.items():
        text = text.replace(f"use_case: {long}\n", f"use_case: {short}\n")
    draft = into / "draft.yaml"
    draft.write_text(text, encoding="utf-8")
    moved = load_yaml_mapping(draft)
    if "use_case" in moved:
        stem = ml_stem(MlConfig.model_validate(moved, strict=False))
    else:
        stem = sec_stem(SecConfig.model_validate(moved, strict=False))
    return draft.rename(into / f"{stem}.yaml")


@cache
def govcloud_ml_configs() -> tuple[MlConfig, ...]:
    """Every ML example moved to GovCloud, loaded by the loader (ML cannot go to China: no
    SageMaker model package groups there, see test_partitions.py)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        return tuple(load_ml_config(_moved(p, GOVCLOUD_REGION, Path(tmp))) for p in ML_EXAMPLES)


@cache
def partition_sec_configs() -> tuple[Any, ...]:
    """Every SEC example moved to GovCloud and to China, loaded by the loader."""
    import tempfile

    from provisioner.config.sec_loader import load_sec_config

    with tempfile.TemporaryDirectory() as tmp:
        return tuple(
            load_sec_config(_moved(p, region, Path(tmp)))
            for region in (GOVCLOUD_REGION, CHINA_REGION)
            for p in SEC_EXAMPLES
        )


# -- the local AWS emulator ---------------------------------------------------------------
@pytest.fixture(scope="session")
def emulator() -> Any:
    """One emulator per test session (stopping costs ~0.5 s), on a free loopback port."""
    from provisioner.emulator.server import Emulator

    server = Emulator().start()
    yield server
    server.stop()


@pytest.fixture
def aws(emulator: Any) -> RegionalClients:
    """A boto3 client factory against a freshly reset emulator."""
    import boto3

    emulator.reset()
    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-west-2"
    )

    clients: dict[tuple[str, str], BaseClient] = {}

    def client(service: ServiceName, region: str = "us-west-2") -> Any:  # typed: RegionalClients
        # Creating a boto3 client costs ~10 ms, more than most calls to the emulator.
        if (service, region) not in clients:
            clients[service, region] = session.client(
                service, endpoint_url=emulator.url, region_name=region
            )
        return clients[service, region]

    return client


@pytest.fixture(scope="session")
def plain_moto() -> Any:
    """moto's own server, without this project's extensions, in a separate process: the
    baseline each extension's test shows failing."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://localhost:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{url}/moto-api/", timeout=1).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)
