"""One stack-set roll-out to 20 accounts × 3 regions, against the local emulator in
asynchronous mode (every instance's resource takes the same time for both), in one run:

- this tool's stack-set engine (`deploy/stack_set_apply.py`: create the set, create its
  instances, follow the operation instance by instance), called directly: the CLI deploys
  stack sets only to the config's own account and region today (README, `deployment`);
- `aws cloudformation create-stack-set` + `create-stack-instances`, then
  `describe-stack-set-operation` every second until the operation ends: awscli has no waiter
  for stack-set operations, so this loop is the peer's waiting, at the pace its own waiters
  poll stacks fastest.

Both use the same template (one SSM parameter) and the same OperationPreferences (every
account of a region at once, the regions in parallel).

    python benchmarks/stack_set_rollout.py [--delay 0.2] [--accounts 20] [--regions 3]

Reports wall time and API calls of each; written to benchmarks/results/stack-set-rollout.json.
Needs the `local` and `test` extras (awscli).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3

from provisioner.deploy.gateway import AwsGateway
from provisioner.deploy.stack_set_apply import deploy_stack_sets
from provisioner.deploy.stack_set_target import StackSetTarget
from provisioner.deploy.target import DeployTarget, StackTemplate
from provisioner.emulator.faults import REQUESTS
from provisioner.emulator.server import Emulator
from provisioner.emulator.settings import SETTINGS

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ADMIN = "123456789012"
REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2")


def template(name: str) -> str:
    return json.dumps({"Resources": {"Param": {"Type": "AWS::SSM::Parameter", "Properties": {
        "Name": f"/rollout/{name}", "Type": "String", "Value": "v"}}}})  # fmt: skip


def preferences(accounts: int) -> dict[str, object]:
    # Every account of a region at once: strict failure tolerance allows tolerance + 1.
    return {"FailureToleranceCount": accounts - 1, "MaxConcurrentCount": accounts,
            "RegionConcurrencyType": "PARALLEL"}  # fmt: skip


def this_tool(url: str, accounts: list[str], regions: list[str]) -> None:
    session = boto3.session.Session(aws_access_key_id="b", aws_secret_access_key="b")
    gateway = AwsGateway(session, "us-west-2", endpoint_url=url)
    target = DeployTarget(
        tool="benchmark", config_stem="rollout", region="us-west-2",
        stacks=(StackTemplate("rollout-tool", template("tool")),), ssm_path="/rollout",
        production=False,
        stack_set=StackSetTarget(permission_model="SELF_MANAGED", regions=tuple(regions),
                                 accounts=tuple(accounts), preferences=preferences(len(accounts))),
    )  # fmt: skip
    done = deploy_stack_sets(gateway, target, lambda _: None)
    if done.code != 0:
        raise SystemExit(f"this tool's roll-out failed: {done.result}")


def awscli(url: str, accounts: list[str], regions: list[str]) -> None:
    env = dict(os.environ, AWS_ACCESS_KEY_ID="b", AWS_SECRET_ACCESS_KEY="b",
               AWS_DEFAULT_REGION="us-west-2", AWS_EC2_METADATA_DISABLED="true")  # fmt: skip
    env.pop("AWS_PROFILE", None)

    def aws(*argv: str) -> str:
        done = subprocess.run([str(BIN / "aws"), "--endpoint-url", url, "--output", "json",
                               "cloudformation", *argv], env=env, capture_output=True,
                              text=True, check=True)  # fmt: skip
        return done.stdout

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as body:
        body.write(template("awscli"))
    aws("create-stack-set", "--stack-set-name", "rollout-awscli",
        "--template-body", f"file://{body.name}")  # fmt: skip
    started = json.loads(aws(
        "create-stack-instances", "--stack-set-name", "rollout-awscli",
        "--accounts", *accounts, "--regions", *regions,
        "--operation-preferences", json.dumps(preferences(len(accounts))),
    ))  # fmt: skip
    while True:
        operation = json.loads(
            aws(
                "describe-stack-set-operation",
                "--stack-set-name",
                "rollout-awscli",
                "--operation-id",
                started["OperationId"],
            )
        )
        if operation["StackSetOperation"]["Status"] not in ("RUNNING", "QUEUED", "STOPPING"):
            break
        time.sleep(1)
    if operation["StackSetOperation"]["Status"] != "SUCCEEDED":
        raise SystemExit(f"awscli's roll-out ended {operation['StackSetOperation']['Status']}")
    Path(body.name).unlink()


def main() -> int:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=0.2, help="seconds per resource")
    parser.add_argument("--accounts", type=int, default=20)
    parser.add_argument("--regions", type=int, default=3, choices=range(1, len(REGIONS) + 1))
    args = parser.parse_args()
    accounts = [f"{100000000000 + n:012d}" for n in range(1, args.accounts + 1)]
    regions = list(REGIONS[: args.regions])
    results = {}
    with Emulator() as emulator:
        SETTINGS.resource_delay = args.delay
        print(f"{len(accounts)} accounts × {len(regions)} regions, {args.delay} s per resource")
        runs = (("this tool (stack-set engine)", this_tool),
                ("awscli + describe-stack-set-operation every 1 s", awscli))  # fmt: skip
        for label, run in runs:
            REQUESTS.clear()
            started = time.perf_counter()
            run(emulator.url, accounts, regions)
            wall = time.perf_counter() - started
            calls = dict(REQUESTS)
            results[label] = {"wall_s": round(wall, 2), "api_calls": sum(calls.values()),
                              "by_operation": calls}  # fmt: skip
            print(f"  {label:<50} {wall:7.2f} s  {sum(calls.values()):4d} calls", flush=True)
    (ROOT / "benchmarks" / "results" / "stack-set-rollout.json").write_text(json.dumps(
        {"accounts": len(accounts), "regions": len(regions), "delay_s": args.delay,
         "results": results}, indent=2) + "\n")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
