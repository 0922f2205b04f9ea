"""Making config files deployable in the emulator, and the order a tenant deploys in.

Part of the emulator's API (docs/emulator.md, "Preparing configs from Python"), not a test
helper: `provisioner-emulator --seed-examples` runs `seed_examples`; the lifecycle demo
(scripts/lifecycle_demo.py), the deploy benchmark (benchmarks/deploy.py) and the tests call the
rest. It edits YAML files in place and calls the emulator through boto3 clients it is given; it
never loads a config, so it works on a config either tool would refuse.

- Making a config deployable: `make_deployable` does for one config what a bundled example
  assumes exists beside it — its account (`use_account`), an enterprise ML config's VPC and
  subnets (`create_network`), a SEC config's template bucket (`create_template_bucket`), a
  starter ML config's artifact bucket (`create_artifact_bucket`); `seed_examples` does it for
  every config in a directory.
- A tenant in order: the administrator's bootstrap (the permission boundaries every role
  carries), then the tenant's SEC config (its teams), then the ML use cases those teams own
  (`tenant_regional`, `tenant_sec_config`, `tenant_setup`, `Tenant`, `by_tenant`). Nothing here
  fakes what a deploy checks for.
- `add_tag`: a harmless edit for show-changes to find.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol, cast, overload

if TYPE_CHECKING:  # the stubs (types-boto3) are a test dependency: annotations only
    from types_boto3_ec2 import EC2Client
    from types_boto3_s3 import S3Client
    from types_boto3_s3.literals import BucketLocationConstraintType

__all__ = [
    "EMULATOR_ACCOUNT",
    "ML_SUFFIX",
    "SEC_SUFFIX",
    "SeedClients",
    "Tenant",
    "add_tag",
    "by_tenant",
    "create_artifact_bucket",
    "create_network",
    "create_template_bucket",
    "make_deployable",
    "seed_examples",
    "tenant_regional",
    "tenant_sec_config",
    "tenant_setup",
    "use_account",
]

EMULATOR_ACCOUNT = "123456789012"  # moto's default account
ML_SUFFIX = "-ml-codecommit.yaml"
SEC_SUFFIX = "-sec.yaml"


class SeedClients(Protocol):
    """`client(service, region)`: a boto3 client against the emulator, of the services that
    making a config deployable calls."""

    @overload
    def __call__(self, service: Literal["ec2"], region: str) -> EC2Client: ...
    @overload
    def __call__(self, service: Literal["s3"], region: str) -> S3Client: ...


def use_account(config: Path, account: str = EMULATOR_ACCOUNT) -> None:
    """Point the config at `account` (its `account_id`)."""
    text = config.read_text()
    config.write_text(re.sub(r'account_id: "\d{12}"', f'account_id: "{account}"', text, count=1))


def create_network(config: Path, ec2: EC2Client) -> None:
    """Create the VPC and one subnet per subnet the config names; point the config at them."""
    text = config.read_text()
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    text = re.sub(r"vpc-[0-9a-f]+", vpc, text)
    for index, old in enumerate(re.findall(r"subnet-[0-9a-f]+", text), 1):
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{index}.0/24")
        text = text.replace(old, subnet["Subnet"]["SubnetId"], 1)
    config.write_text(text)


def _create_named_bucket(config: Path, field: str, s3: S3Client) -> str | None:
    """Create the existing bucket a config names in `field` (`s3` a client in the config's
    region); return its name, or None when the config names none."""
    bucket = re.search(rf"^{field}: \"?([^\s\"#]+)", config.read_text(), re.M)
    if bucket is None:
        return None
    region = s3.meta.region_name
    if region == "us-east-1":  # S3 refuses a LocationConstraint naming its home region
        s3.create_bucket(Bucket=bucket.group(1))
    else:
        # The client's own region: the stubs list S3's regions as literals, a config's is text.
        location = cast("BucketLocationConstraintType", region)
        s3.create_bucket(
            Bucket=bucket.group(1), CreateBucketConfiguration={"LocationConstraint": location}
        )
    return bucket.group(1)


def create_template_bucket(config: Path, s3: S3Client) -> str | None:
    """The existing bucket a SEC medium/enterprise config uploads large templates to."""
    return _create_named_bucket(config, "template_bucket", s3)


def create_artifact_bucket(config: Path, s3: S3Client) -> str | None:
    """The existing bucket a starter ML config's pipeline keeps its artifacts in."""
    return _create_named_bucket(config, "artifact_bucket", s3)


def make_deployable(
    config: Path, client: SeedClients, account: str = EMULATOR_ACCOUNT
) -> list[str]:
    """Everything a bundled example assumes exists beside it, made in the emulator: its account
    (the emulator's), an enterprise ML config's VPC and subnets, a SEC config's template
    bucket, a starter ML config's artifact bucket. `client(service, region)` returns a boto3
    client against the emulator. Returns what was done, one phrase each."""
    text = config.read_text()
    done = []
    old_account = _field(text, "account_id")
    if old_account != account:
        use_account(config, account)
        done.append(f"account_id {old_account} → {account}")
    region = _field(text, "region")
    if "vpc_id:" in text:
        create_network(config, client("ec2", region))
        network = config.read_text()
        vpc, subnets = _field(network, "  vpc_id"), re.findall(r"subnet-[0-9a-f]+", network)
        done.append(f"VPC {vpc} with {len(subnets)} subnets")
    for kind, create in (("template", create_template_bucket),
                         ("artifact", create_artifact_bucket)):  # fmt: skip
        bucket = create(config, client("s3", region))
        if bucket is not None:
            done.append(f"{kind} bucket {bucket}")
    return done


def seed_examples(
    directory: Path, client: SeedClients, account: str
) -> list[tuple[Path, list[str]]]:
    """make_deployable for every config of either tool in `directory` (copies of the bundled
    examples, or configs like them): each config with what was done for it."""
    mine = (ML_SUFFIX, SEC_SUFFIX)
    configs = sorted(p for p in directory.glob("*.yaml") if p.name.endswith(mine))
    return [(config, make_deployable(config, client, account)) for config in configs]


def add_tag(config: Path, key: str, value: str) -> None:
    """A harmless edit for show-changes to find."""
    text = config.read_text()
    if "\ntags:\n" in text:
        text = text.replace("\ntags:\n", f"\ntags:\n  {key}: {value}\n", 1)
    else:
        text += f"\ntags:\n  {key}: {value}\n"
    config.write_text(text)


# -- a tenant, in the order it deploys -----------------------------------------------------------
def _field(text: str, name: str) -> str:
    found = re.search(rf"^{name}: \"?([^\s\"#]+)", text, re.M)
    if found is None:
        raise ValueError(f"no {name}: in the config")
    return found.group(1)


def tenant_regional(config: Path) -> str:
    """`{company_prefix}-{env}-{tenant_id}-{region}`: the tenant (in one region) a config of
    either tool belongs to (naming/tenant.py derives the same from a loaded config)."""
    text = config.read_text()
    return "-".join(_field(text, f) for f in ("company_prefix", "env", "tenant_id", "region"))


def tenant_sec_config(config: Path) -> Path:
    """The SEC config of the tenant an ML (or SEC) config belongs to, beside it: the one that
    bootstraps the tenant and defines its teams. Raises FileNotFoundError naming what is missing."""
    sec = config.with_name(f"{tenant_regional(config)}{SEC_SUFFIX}")
    if not sec.is_file():
        raise FileNotFoundError(
            f"{config.name}: its tenant has no SEC config {sec.name} beside it; the tenant's "
            "bootstrap and teams come from that file"
        )
    return sec


def tenant_setup(config: Path) -> list[list[str]]:
    """The sec-provisioner arguments to run, in order, before `config` can deploy: the
    tenant's bootstrap, and for an ML config also the tenant's SEC stacks (its team). Each is
    a first create, which in production broadens access: the administrator accepts it."""
    sec = tenant_sec_config(config) if config.name.endswith(ML_SUFFIX) else config
    accept = ["--force", "--allow-broadening"]
    steps = [["--config", sec.name, "--action", "bootstrap", *accept]]
    if config.name.endswith(ML_SUFFIX):
        steps.append(["--config", sec.name, "--action", "deploy", *accept])
    return steps


@dataclass(frozen=True)
class Tenant:
    """A tenant's SEC config and the ML configs of its use cases, in the order they deploy."""

    sec: Path
    ml: tuple[Path, ...]


def by_tenant(configs: Iterable[Path]) -> list[Tenant]:
    """The configs grouped by tenant, each SEC config with its tenant's ML configs. An ML
    config whose tenant has no SEC config among `configs` raises FileNotFoundError."""
    paths = sorted(configs)
    secs = [p for p in paths if p.name.endswith(SEC_SUFFIX)]
    mls = [p for p in paths if p.name.endswith(ML_SUFFIX)]
    owned: dict[Path, list[Path]] = {sec: [] for sec in secs}
    for ml in mls:
        sec = tenant_sec_config(ml)
        if sec not in owned:
            raise FileNotFoundError(f"{ml.name}: its tenant's SEC config {sec.name} is not given")
        owned[sec].append(ml)
    return [Tenant(sec, tuple(ml)) for sec, ml in owned.items()]
