"""An estate of made-up tenants for the emulator: each a SEC config and ML use cases of every
tier, written from the bundled examples under other names, for the estate tests and the
estate benchmarks (docs/emulator.md). Like examples.py it writes YAML and never loads a config;
`make_deployable` then makes each one deployable in the emulator."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

__all__ = ["ML_TIER_EXAMPLES", "SEC_EXAMPLE", "write_estate"]

# One ML example per tier; an estate's use cases are copies of them under other names.
ML_TIER_EXAMPLES = (
    "techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit.yaml",
    "edge-prod-b001-us-west-2-fraud-detection-realtime-ml-codecommit.yaml",
    "globalbank-prod-c001-us-west-2-demand-forecasting-ml-codecommit.yaml",
)
SEC_EXAMPLE = "techcorp-prod-a001-us-west-2-sec.yaml"


def write_estate(
    examples: Path,
    directory: Path,
    tenants: int,
    use_cases: int,
    *,
    company: str = "estate",
    env: str = "prod",
    tiers: tuple[str, ...] = ML_TIER_EXAMPLES,
) -> list[Path]:
    """`tenants` tenants of one company (tenant ids e000, e001…), each with a SEC config
    whose one team owns `use_cases` ML use cases, the tiers' examples taken in turn, in `env`
    (outside prod nothing is retained on delete: the same estate deploys again). Returns the
    configs written, each tenant's SEC config before its use cases."""
    written: list[Path] = []
    sec = yaml.safe_load((examples / SEC_EXAMPLE).read_text())
    team = {"name": "platform", "personas": ["data-scientist", "ml-engineer"]}
    for t in range(tenants):
        tenant_id = f"e{t:03d}"
        tenant = {**sec, "company_prefix": company, "env": env, "tenant_id": tenant_id,
                  "teams": [team]}  # fmt: skip
        regional = f"{company}-{env}-{tenant_id}-{sec['region']}"
        path = directory / f"{regional}-sec.yaml"
        path.write_text(_dump(tenant))
        written.append(path)
        for u in range(use_cases):
            ml = yaml.safe_load((examples / tiers[u % len(tiers)]).read_text())
            use_case = f"use-case-{u:02d}"
            ml.update(company_prefix=company, tenant_id=tenant_id, use_case=use_case,
                      team=team["name"], region=sec["region"], env=env,
                      account_id=sec["account_id"])  # fmt: skip
            stem = f"{regional}-{use_case}"
            if "artifact_bucket" in ml:  # one of the tenant's buckets, as its boundary needs
                ml["artifact_bucket"] = f"{stem}-artifacts"
            workload = f"-{ml['workload']}" if ml.get("workload") else ""
            path = directory / f"{stem}{workload}-ml-{ml['scenario']}.yaml"
            path.write_text(_dump(ml))
            written.append(path)
    return written


def _dump(config: dict[str, Any]) -> str:
    """YAML as the examples write it: an account id in double quotes (examples.py edits it)."""
    text = yaml.safe_dump(config, sort_keys=False)
    return re.sub(r"^account_id: '(\d+)'$", r'account_id: "\1"', text, flags=re.M)
