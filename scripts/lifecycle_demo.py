"""The whole lifecycle of every bundled example against the local emulator, no AWS account:
deploy → status → show-changes after a config edit → detect-drift → delete.

Started by `scripts/run-examples`; the emulator runs in this process on a free loopback port
and each step is the real CLI in its own process, pointed at it by AWS_ENDPOINT_URL.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import boto3

from provisioner.emulator.examples import add_tag, create_network, use_account
from provisioner.emulator.server import Emulator
from provisioner.emulator.settings import SETTINGS


def run(env: dict[str, str], cwd: Path, *argv: str, expect: int = 0) -> None:
    print(f"\n$ {shlex.join(argv)}", flush=True)
    code = subprocess.run(argv, cwd=cwd, env=env, check=False).returncode
    if code != expect:
        sys.exit(f"lifecycle demo: {argv[0]} {argv[-1]} exited {code}, expected {expect}")


def prepare(configs: Path, url: str) -> None:
    """Point the examples at the emulator's account; make what they assume exists."""
    session = boto3.session.Session(aws_access_key_id="demo", aws_secret_access_key="demo")
    for path in configs.glob("*.yaml"):
        use_account(path)
        text = path.read_text()
        region = re.search(r"^region: (\S+)", text, re.M)
        assert region is not None
        bucket = re.search(r"^template_bucket: (\S+)", text, re.M)
        if bucket:
            s3 = session.client("s3", endpoint_url=url, region_name=region.group(1))
            extra = {} if region.group(1) == "us-east-1" else {
                "CreateBucketConfiguration": {"LocationConstraint": region.group(1)}}  # fmt: skip
            s3.create_bucket(Bucket=bucket.group(1), **extra)
        if "vpc_id:" in text:
            create_network(path, session.client("ec2", endpoint_url=url,
                                                region_name=region.group(1)))  # fmt: skip


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
        for config in sorted((root / "configs").glob("*.yaml")):
            tool = "ml-provisioner" if config.name.endswith("-ml-codecommit.yaml") else (
                "sec-provisioner")  # fmt: skip
            name = config.name
            print(f"\n===== {tool}: {name}")
            run(env, root, tool, "--config", name, "--action", "deploy", "--force")
            run(env, root, tool, "--config", name, "--action", "status")
            add_tag(config, "demo-edit", "second-pass")
            run(env, root, tool, "--config", name, "--action", "show-changes")
            run(env, root, tool, "--config", name, "--action", "detect-drift")
            run(env, root, tool, "--config", name, "--action", "delete", "--force",
                "--disable-termination-protection")  # fmt: skip
    print(f"\nlifecycle done: reports in {root}/reports")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
