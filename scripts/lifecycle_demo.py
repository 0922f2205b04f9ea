"""The whole lifecycle of every bundled example against the local emulator, no AWS account,
tenant by tenant in the order its people deploy it:

1. the administrator bootstraps the tenant (its permission boundaries; `--action bootstrap`);
2. the SEC config: deploy → status → show-changes after a config edit → detect-drift;
3. each ML config of the tenant (its team now exists): deploy → status → show-changes after a
   config edit → detect-drift → delete;
4. the SEC config: delete. The bootstrap stays: it is the administrator's, and it is
   termination-protected in production.

Started by `scripts/run-examples`; the emulator runs in this process on a free loopback port
and each step is the real CLI in its own process, pointed at it by AWS_ENDPOINT_URL.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Literal

import boto3

from provisioner.emulator.examples import (
    add_tag,
    by_tenant,
    make_deployable,
    tenant_regional,
    tenant_setup,
)
from provisioner.emulator.server import Emulator
from provisioner.emulator.settings import SETTINGS

ML, SEC = "ml-provisioner", "sec-provisioner"


def run(env: dict[str, str], cwd: Path, *argv: str, expect: int = 0) -> None:
    print(f"\n$ {shlex.join(argv)}", flush=True)
    code = subprocess.run(argv, cwd=cwd, env=env, check=False).returncode
    if code != expect:
        sys.exit(f"lifecycle demo: {shlex.join(argv)} exited {code}, expected {expect}")


def prepare(configs: Path, url: str) -> None:
    """Point the examples at the emulator's account; make what they assume exists."""
    session = boto3.session.Session(aws_access_key_id="demo", aws_secret_access_key="demo")

    def client(service: Literal["ec2", "s3"], region: str) -> Any:  # typed by SeedClients
        return session.client(service, endpoint_url=url, region_name=region)

    for path in sorted(configs.glob("*.yaml")):
        make_deployable(path, client)


def main() -> int:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "demo/lifecycle").resolve()
    examples = Path(__file__).resolve().parent.parent / "examples" / "configs"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(examples, root / "configs")
    SETTINGS.resource_delay = float(os.environ.get("DEMO_RESOURCE_DELAY", "0.01"))
    with Emulator() as emulator:
        print(f"local AWS emulator on {emulator.url} ({SETTINGS.resource_delay}s per resource)")
        prepare(root / "configs", emulator.url)
        env = dict(os.environ, AWS_ENDPOINT_URL=emulator.url, AWS_ACCESS_KEY_ID="demo",
                   AWS_SECRET_ACCESS_KEY="demo", AWS_EC2_METADATA_DISABLED="true")  # fmt: skip
        env.pop("AWS_PROFILE", None)

        def action(tool: str, config: Path, name: str, *flags: str) -> None:
            run(env, root, tool, "--config", config.name, "--action", name, *flags)

        for tenant in by_tenant((root / "configs").glob("*.yaml")):
            sec = tenant.sec
            order = "bootstrap → SEC → ML" if tenant.ml else "bootstrap → SEC"
            print(f"\n===== tenant {tenant_regional(sec)}: {order}")
            for argv in tenant_setup(sec):  # the administrator's bootstrap
                run(env, root, SEC, *argv)
            print(f"\n===== {SEC}: {sec.name}")
            action(SEC, sec, "deploy", "--force", "--allow-broadening")  # a first create
            action(SEC, sec, "status")
            add_tag(sec, "demo-edit", "second-pass")
            action(SEC, sec, "show-changes")
            action(SEC, sec, "detect-drift")
            for ml in tenant.ml:  # the tenant's teams now exist
                print(f"\n===== {ML}: {ml.name}")
                action(ML, ml, "deploy", "--force", "--allow-broadening")
                action(ML, ml, "status")
                add_tag(ml, "demo-edit", "second-pass")
                action(ML, ml, "show-changes")
                action(ML, ml, "detect-drift")
                action(ML, ml, "delete", "--force", "--disable-termination-protection")
            print(f"\n===== {SEC}: {sec.name}")
            action(SEC, sec, "delete", "--force", "--disable-termination-protection")
    print(f"\nlifecycle done: reports in {root}/reports")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
