"""AWS partitions (`aws`, `aws-us-gov`, `aws-cn`) and the regions in each (pure data).

The regions and each partition's DNS suffix come from botocore's `partitions.json`, the data
every AWS SDK resolves endpoints with, so a new region arrives with a botocore upgrade and no
list here goes stale. The file is read directly (botocore itself is not imported: importing it
costs a few hundred milliseconds, and validation must feel instant).

What differs between partitions, for the names the tools write:
- ARNs: `arn:{partition}:…` everywhere (IAM, S3, and every regional service).
- Regional service names (endpoints, `kms:ViaService` values, regional service principals such
  as `logs.{region}.…`): `{service}.{region}.{dns suffix}`, the suffix being `amazonaws.com`
  in `aws` and `aws-us-gov`, `amazonaws.com.cn` in `aws-cn`.
- Global service principals (`sagemaker.amazonaws.com`, `codebuild.amazonaws.com`, …) keep
  `amazonaws.com` in every partition: AWS's IAM reference gives `service-name.amazonaws.com`
  as the form, and the China exceptions (EC2, EMR) are services neither tool trusts.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

COMMERCIAL = "aws"
GOVCLOUD = "aws-us-gov"
CHINA = "aws-cn"
# The partitions both tools support (SPEC §7); botocore knows more (the isolated ones), whose
# regions are refused by name.
SUPPORTED_PARTITIONS = (COMMERCIAL, GOVCLOUD, CHINA)
# Global principals are named in this suffix in every supported partition (see above).
GLOBAL_PRINCIPAL_SUFFIX = "amazonaws.com"


@dataclass(frozen=True)
class Partition:
    name: str
    dns_suffix: str
    regions: frozenset[str]

    def arn(self, service: str, region: str, account: str, resource: str) -> str:
        return f"arn:{self.name}:{service}:{region}:{account}:{resource}"

    def service_principal(self, service: str) -> str:
        """A service's global principal, e.g. `sagemaker.amazonaws.com`."""
        return f"{service}.{GLOBAL_PRINCIPAL_SUFFIX}"

    def iam_arn(self, account: str, resource: str) -> str:
        return self.arn("iam", "", account, resource)

    def s3_arn(self, resource: str) -> str:
        """A bucket (`name`) or its objects (`name/*`): S3 ARNs carry no region or account."""
        return self.arn("s3", "", "", resource)

    def regional_service(self, service: str, region: str) -> str:
        """`{service}.{region}.{dns suffix}`: an endpoint host, a `kms:ViaService` value, a
        regional principal such as CloudWatch Logs' `logs.{region}.…`."""
        return f"{service}.{region}.{self.dns_suffix}"


class UnsupportedRegion(ValueError):
    """A region the tools cannot provision into, with the reason in its message."""


def _botocore_partitions_file() -> Path:
    spec = importlib.util.find_spec("botocore")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("botocore is not installed; it is a dependency of this package")
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "partitions.json"


@cache
def _all_partitions() -> dict[str, Partition]:
    """Every partition botocore knows, by name, with its real regions (botocore also lists
    pseudo-regions such as `aws-global` for global endpoints: they are no region to deploy to)."""
    data = json.loads(_botocore_partitions_file().read_text(encoding="utf-8"))
    partitions: dict[str, Partition] = {}
    for entry in data["partitions"]:
        name = entry["id"]
        regions = frozenset(r for r in entry["regions"] if not r.endswith("-global"))
        partitions[name] = Partition(name, entry["outputs"]["dnsSuffix"], regions)
    return partitions


@cache
def partition_named(name: str) -> Partition:
    if name not in SUPPORTED_PARTITIONS:
        raise ValueError(f"unsupported partition {name!r}")
    return _all_partitions()[name]


@cache
def partition_of(region: str) -> Partition:
    """The supported partition a region belongs to; UnsupportedRegion naming why not."""
    for partition in _all_partitions().values():
        if region in partition.regions:
            if partition.name not in SUPPORTED_PARTITIONS:
                raise UnsupportedRegion(
                    f"region {region!r} is in partition {partition.name}, which the tools do "
                    f"not support (supported: {', '.join(SUPPORTED_PARTITIONS)})"
                )
            return partition
    raise UnsupportedRegion(
        f"unknown AWS region {region!r}; use a region code such as us-west-2, eu-central-1, "
        "us-gov-west-1 or cn-north-1"
    )


def supported_regions() -> frozenset[str]:
    return frozenset().union(*(partition_named(p).regions for p in SUPPORTED_PARTITIONS))
