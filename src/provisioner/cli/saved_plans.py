"""The CLI's side of saved plans (deploy/saved_plan.py): where the plan file is, the config's
hash, and every check that needs no AWS, made before AWS is reached."""

from __future__ import annotations

from pathlib import Path

from provisioner.cli.invocation import Invocation
from provisioner.deploy import saved_plan
from provisioner.deploy.saved_plan import (
    ReviewedStack,
    SavedPlan,
    check_plan,
    check_templates,
    parse_ttl,
    read_plan,
    sha256_hex,
    write_plan,
)
from provisioner.deploy.target import DeployTarget
from provisioner.errors import InputError
from provisioner.files import check_writable, resolve_config_path
from provisioner.results.show_changes import PlanFile


def config_sha256(inv: Invocation) -> str:
    path = resolve_config_path(inv.config, inv.cwd)
    try:
        return sha256_hex(path.read_bytes())
    except OSError as exc:
        raise InputError(str(path), f"cannot read the config: {exc.strerror}") from None


class PlanSaver:
    """show-changes --save-plan FILE: writes the plan of the stacks it reviewed."""

    def __init__(self, inv: Invocation, target: DeployTarget, file: str) -> None:
        self.file = file
        self.path = inv.path(file)
        if self.path.is_dir():
            raise InputError(file, "is a directory; --save-plan takes a file to write")
        check_writable(self.path.parent)  # before AWS: a plan that cannot be written is none
        self.ttl = parse_ttl(inv.plan_ttl)
        self.inv, self.target = inv, target
        self.config_sha256 = config_sha256(inv)

    def __call__(self, stacks: list[ReviewedStack]) -> PlanFile:
        now = saved_plan.utc_now()
        target = self.target
        plan = SavedPlan(
            tool=target.tool, config=self.inv.config, config_stem=target.config_stem,
            config_sha256=self.config_sha256, region=target.region,
            account_id=target.account_id, production=target.production, created=now,
            expires=now + self.ttl, stacks=stacks,
        )  # fmt: skip
        write_plan(self.path, plan)
        return PlanFile(path=self.file, expires=plan.expires)


def checked_plan(inv: Invocation, target: DeployTarget, file: str) -> tuple[SavedPlan, Path]:
    """deploy --plan FILE: the plan, if it is this tool's and config's as it is now, unused,
    not expired, and of the templates the config renders now; else InputError."""
    path = inv.path(file)
    plan = read_plan(path)
    check_plan(
        plan, Path(file), tool=target.tool, config_stem=target.config_stem,
        config_sha256=config_sha256(inv), now=saved_plan.utc_now(),
    )  # fmt: skip
    check_templates(plan, Path(file), {t.stack_name: t.body for t in target.stacks})
    return plan, path


def spend(path: Path, plan: SavedPlan) -> None:
    """Mark the plan executed: a second deploy --plan of it is refused."""
    write_plan(path, plan.model_copy(update={"executed": saved_plan.utc_now()}))
