"""Which CloudFormation resource types a region offers, from the per-region resource lists
cfn-lint ships (the data its E3006 "resource type does not exist in region" check uses).

A config whose tier plans a type the region lacks (no SageMaker model package groups in
us-gov-east-1 or China, for instance) is refused at validation, naming the service, instead of
failing in CloudFormation. The data follows the installed cfn-lint: upgrading it brings new
regions and services. Only the one region's list (a small JSON file of type names) is read,
straight from cfn-lint's package data: importing cfn-lint itself takes seconds.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from provisioner.errors import Problem

if TYPE_CHECKING:
    from provisioner.config.deployment import DeploymentConfig


def _providers_dir() -> Path:
    spec = importlib.util.find_spec("cfnlint")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("cfn-lint is not installed; it is a dependency of this package")
    package = Path(next(iter(spec.submodule_search_locations)))
    return package / "data" / "schemas" / "providers"


def cfn_lint_version() -> str:
    return importlib.metadata.version("cfn-lint")


@cache
def resource_types_in(region: str) -> frozenset[str] | None:
    """The resource types CloudFormation offers in `region`; None if cfn-lint has no data
    for the region (one newer than the installed cfn-lint)."""
    path = _providers_dir() / f"{region}.json"
    if not path.is_file():
        return None
    types: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return frozenset(types)


def availability_problems(region: str, planned_types: Iterable[str], what: str) -> list[str]:
    """One problem per planned resource type the region does not offer; `what` says what
    plans them (e.g. "the enterprise tier")."""
    offered = resource_types_in(region)
    if offered is None:
        return [
            f"region {region!r}: cfn-lint {cfn_lint_version()} has no CloudFormation data for "
            "it, so what the region offers cannot be checked; upgrade cfn-lint or choose "
            "another region"
        ]
    missing = sorted(set(planned_types) - offered)
    return [
        f"{_service(t)} is not available in {region}: resource type {t}, which {what} "
        f"plans, does not exist there; choose a region that offers {_service(t)}"
        for t in missing
    ]


def target_region_problems(
    deployment: DeploymentConfig | None, planned_types: Iterable[str], what: str
) -> list[Problem]:
    """The same for each region a stack set deploys to (config/deployment.py)."""
    if deployment is None:
        return []
    planned = set(planned_types)
    return [
        Problem(f"deployment.targets.regions[{i}]", p)
        for i, region in enumerate(deployment.targets.regions)
        for p in availability_problems(region, planned, what)
    ]


def _service(resource_type: str) -> str:
    """`AWS::SageMaker::ModelPackageGroup` → `SageMaker`."""
    return resource_type.split("::")[1]
