"""Partitions (aws, aws-us-gov, aws-cn) and what each region offers.

Regions and partitions come from botocore's data, each region's resource types from cfn-lint's;
the tests compare both with the libraries' own APIs, then check every name the tools write for
a GovCloud or China config (ARNs, regional service names) and the refusals of regions that
lack a service a tier needs. The operator policy proofs for the moved configs run with the
others (test_policy.py, test_sec.py, test_boundaries.py, test_variants.py, test_escalation.py).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import boto3
import pytest
import yaml

from conftest import (
    CHINA_REGION,
    EXAMPLES,
    GOVCLOUD_REGION,
    ROOT,
    CliRunner,
    cfn_lint,
    govcloud_ml_configs,
    partition_sec_configs,
)
from provisioner.bootstrap.admin_policy import bootstrap_policy
from provisioner.bootstrap.plan import plan_bootstrap
from provisioner.config.ml import MlConfig, MlTier
from provisioner.ml.operator_policy import operator_policies as ml_policies
from provisioner.ml.plan import plan_stack
from provisioner.ml.seed_code import seed_code_files
from provisioner.naming.ml import config_file_stem
from provisioner.naming.tenant import TenantNames
from provisioner.partition import (
    SUPPORTED_PARTITIONS,
    UnsupportedRegion,
    partition_of,
    supported_regions,
)
from provisioner.region_services import availability_problems, resource_types_in
from provisioner.report.ml_report import render_ml_report
from provisioner.report.sec_report import render_sec_report
from provisioner.sec.operator_policy import operator_policies as sec_policies
from provisioner.sec.plan import plan_stacks

TECHCORP = "techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit.yaml"
_ARN_PARTITION = re.compile(r"arn:([a-z-]*):")


# -- regions and partitions -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("region", "partition", "suffix"),
    [
        ("us-west-2", "aws", "amazonaws.com"),
        ("us-gov-west-1", "aws-us-gov", "amazonaws.com"),
        ("us-gov-east-1", "aws-us-gov", "amazonaws.com"),
        ("cn-north-1", "aws-cn", "amazonaws.com.cn"),
        ("cn-northwest-1", "aws-cn", "amazonaws.com.cn"),
    ],
)
def test_partition_of_a_region(region: str, partition: str, suffix: str) -> None:
    found = partition_of(region)
    assert (found.name, found.dns_suffix) == (partition, suffix)
    assert found.arn("iam", "", "111122223333", "root") == f"arn:{partition}:iam::111122223333:root"
    assert found.regional_service("logs", region) == f"logs.{region}.{suffix}"
    # Global principals keep the commercial suffix in every partition (see partition.py).
    assert found.service_principal("sagemaker") == "sagemaker.amazonaws.com"


@pytest.mark.parametrize("partition", SUPPORTED_PARTITIONS)
def test_every_region_boto3_knows_is_accepted_in_its_partition(partition: str) -> None:
    """boto3 answers from botocore's endpoint data (another file than the one read here)."""
    regions = boto3.session.Session().get_available_regions("sts", partition_name=partition)
    assert regions, "boto3 lists no region: the comparison would prove nothing"
    for region in regions:
        assert partition_of(region).name == partition, region
    assert set(regions) <= supported_regions()


def test_pseudo_regions_and_other_partitions_are_refused() -> None:
    for region, words in (
        ("us-iso-east-1", ("aws-iso", "not support")),
        ("aws-global", ("unknown AWS region",)),
        ("aws-us-gov-global", ("unknown AWS region",)),
        ("us-west-9", ("unknown AWS region",)),
    ):
        with pytest.raises(UnsupportedRegion) as caught:
            partition_of(region)
        assert all(w in str(caught.value) for w in words), caught.value


# -- what each region offers --------------------------------------------------------------------
def test_region_resource_types_agree_with_cfn_lint() -> None:
    """The file read directly is the list cfn-lint's own schema manager serves (which adds
    SAM's transform types, the same in every region: no CloudFormation resource)."""
    from cfnlint.schema import PROVIDER_SCHEMA_MANAGER

    for region in ("us-west-2", GOVCLOUD_REGION, "us-gov-east-1", CHINA_REGION, "ca-west-1"):
        offered = resource_types_in(region)
        assert offered is not None
        served = PROVIDER_SCHEMA_MANAGER.get_resource_types(region)
        expected = {t for t in served if not t.startswith("AWS::Serverless::")}
        assert len(expected) > 500
        assert offered == expected, region


def test_a_region_cfn_lint_does_not_know_is_refused_by_name() -> None:
    assert resource_types_in("xx-nowhere-1") is None
    [problem] = availability_problems("xx-nowhere-1", ["AWS::IAM::Role"], "the starter tier")
    assert "cfn-lint" in problem and "xx-nowhere-1" in problem


def _write(workdir: Path, region: str, tier: str = "starter") -> str:
    data: dict[str, Any] = yaml.safe_load((EXAMPLES / TECHCORP).read_text())
    data["region"] = region
    data["artifact_bucket"] = f"techcorp-prod-a001-{region}-pipeline-artifacts"
    config = MlConfig.model_validate(data, strict=False)
    name = f"{config_file_stem(config)}.yaml"
    (workdir / "configs" / name).write_text(yaml.safe_dump(data))
    return name


def _outputs(workdir: Path) -> list[Path]:
    return [p for p in workdir.rglob("*") if "configs" not in p.parts]


@pytest.mark.parametrize(
    ("region", "services"),
    [
        ("us-gov-east-1", ["SageMaker"]),
        (CHINA_REGION, ["SageMaker"]),
        ("ca-west-1", ["CodeBuild", "CodeCommit"]),
    ],
)
def test_a_region_without_a_service_of_the_tier_is_refused(
    run_ml: CliRunner, workdir: Path, region: str, services: list[str]
) -> None:
    name = _write(workdir, region)
    for action in ("validate", "create-template", "create-policy"):
        result = run_ml("-con", name, "-act", action)
        assert result.code == 2, (action, result.err)
        assert result.err.startswith("error: ") and "Traceback" not in result.err
        assert result.out == ""
        for service in services:
            assert f"region: {service} is not available in {region}" in result.err, result.err
        assert _outputs(workdir) == []


def test_a_region_with_every_service_of_the_tier_is_accepted(
    run_ml: CliRunner, workdir: Path
) -> None:
    result = run_ml("-con", _write(workdir, GOVCLOUD_REGION), "-act", "validate")
    assert result.code == 0, result.err


def test_sec_goes_to_china_where_ml_cannot() -> None:
    china = [c for c in partition_sec_configs() if c.region == CHINA_REGION]
    assert china and all(plan_stacks(c) for c in china)


def test_validation_reads_the_data_without_importing_the_libraries(tmp_path: Path) -> None:
    """Importing cfn-lint takes seconds and botocore a few hundred milliseconds: validation
    reads their data files only, so it stays instant."""
    (tmp_path / "configs").mkdir()
    name = _write(tmp_path, GOVCLOUD_REGION)
    script = (
        "import sys; from pathlib import Path\n"
        "from provisioner.config.ml_loader import load_ml_config\n"
        f"load_ml_config(Path({str(tmp_path / 'configs' / name)!r}))\n"
        "print(sorted(m for m in ('cfnlint', 'botocore', 'boto3') if m in sys.modules))\n"
    )
    env = {"PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


# -- every name in the partition -----------------------------------------------------------------
def _partitions_named(text: str) -> set[str]:
    return set(_ARN_PARTITION.findall(text))


def _ml_texts(config: MlConfig) -> list[str]:
    plan = plan_stack(config)
    texts = [plan.render(), *(p.render() for p in ml_policies(config).values())]
    texts += [plan_bootstrap(TenantNames.of(config)).render()]
    texts += [*render_ml_report(config), *seed_code_files(config).values()]
    return texts


def _sec_texts(config: Any) -> list[str]:
    t = TenantNames.of(config)
    texts = [p.render() for p in plan_stacks(config)]
    texts += [p.render() for p in sec_policies(config).values()]
    texts += [plan_bootstrap(t).render(), bootstrap_policy(t, config.is_prod).render()]
    texts += [*render_sec_report(config)]
    return texts


@pytest.mark.parametrize(
    "config", govcloud_ml_configs(), ids=lambda c: f"{c.use_case}-{c.tier.value}"
)
def test_every_ml_arn_is_in_the_partition(config: MlConfig) -> None:
    texts = _ml_texts(config)
    assert {p for t in texts for p in _partitions_named(t)} == {"aws-us-gov"}


@pytest.mark.parametrize(
    "config", partition_sec_configs(), ids=lambda c: f"{c.company_prefix}-{c.env}-{c.region}"
)
def test_every_sec_arn_is_in_the_partition(config: Any) -> None:
    texts = _sec_texts(config)
    assert {p for t in texts for p in _partitions_named(t)} == {partition_of(config.region).name}
    if config.trusted_accounts:
        rendered = "".join(texts)
        for account in config.trusted_accounts:
            assert f"arn:{partition_of(config.region).name}:iam::{account.account_id}:root" in (
                rendered
            )


def test_commercial_examples_stay_in_the_commercial_partition() -> None:
    """The change to per-partition names leaves the commercial output as it was."""
    from conftest import all_ml_configs, all_sec_configs

    found = {p for c in all_ml_configs() for t in _ml_texts(c) for p in _partitions_named(t)}
    found |= {p for c in all_sec_configs() for t in _sec_texts(c) for p in _partitions_named(t)}
    assert found == {"aws"}


def test_govcloud_enterprise_names_its_regional_services() -> None:
    [config] = [c for c in govcloud_ml_configs() if c.tier is MlTier.ENTERPRISE]
    resources = {r.logical_id: r for r in plan_stack(config).resources}
    key_policy = json.dumps(resources["EncryptionKey"].properties["KeyPolicy"])
    assert '"Service": "logs.us-gov-west-1.amazonaws.com"' in key_policy
    assert '"kms:ViaService": "s3.us-gov-west-1.amazonaws.com"' in key_policy
    endpoints = [r for r in resources.values() if r.type == "AWS::EC2::VPCEndpoint"]
    assert endpoints and all(
        str(r.properties["ServiceName"]).startswith("com.amazonaws.us-gov-west-1.")
        for r in endpoints
    )
    readme = seed_code_files(config)["README.md"]
    assert "https://git-codecommit.us-gov-west-1.amazonaws.com/v1/repos/" in readme


def test_china_regional_names_take_the_china_suffix() -> None:
    """No ML stack deploys to China (no model package groups), but what SEC and the deploy
    engine name there does: endpoints end in amazonaws.com.cn."""
    china = partition_of(CHINA_REGION)
    assert china.regional_service("s3", CHINA_REGION) == "s3.cn-north-1.amazonaws.com.cn"
    assert china.s3_arn("bucket/*") == "arn:aws-cn:s3:::bucket/*"


# -- CloudFormation accepts the templates in their region -------------------------------------
@pytest.mark.parametrize(
    "config", govcloud_ml_configs(), ids=lambda c: f"{c.use_case}-{c.tier.value}"
)
def test_govcloud_ml_templates_lint_clean(config: MlConfig) -> None:
    assert cfn_lint(plan_stack(config).render(), config.region) == []
    assert cfn_lint(plan_bootstrap(TenantNames.of(config)).render(), config.region) == []


@pytest.mark.parametrize("region", [GOVCLOUD_REGION, CHINA_REGION])
def test_bootstrap_templates_lint_clean(region: str) -> None:
    config = next(c for c in partition_sec_configs() if c.region == region)
    assert cfn_lint(plan_bootstrap(TenantNames.of(config)).render(), region) == []
