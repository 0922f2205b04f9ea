"""Deploy wall time of one template by this tool, by `aws cloudformation deploy` and by
`sceptre launch -y`, in one run, against the local emulator in asynchronous mode (every
resource takes the same time for all three), plus API calls per deploy and this tool's time
from CloudFormation's final event to its exit.

    python benchmarks/deploy.py [--delay 0.2] [--runs 3] [--config NAME]

Needs the `local` and `test` extras (awscli); sceptre goes in its own venv under .peers/
(its pinned jsonschema breaks moto's server), created here on first use.

The config's tenant is set up first, untimed, as its people do: the administrator's bootstrap
(the permission boundary the template's roles name, which all three tools need) and the
tenant's SEC stacks (the use case's team, which ml-provisioner checks for).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import boto3

from provisioner.config.ml_loader import load_ml_config
from provisioner.emulator.examples import make_deployable, tenant_sec_config, tenant_setup
from provisioner.emulator.faults import REQUESTS
from provisioner.emulator.server import Emulator
from provisioner.emulator.settings import SETTINGS
from provisioner.ml.plan import plan_stack

ROOT = Path(__file__).resolve().parent.parent
SCEPTRE = ROOT / ".peers" / "sceptre-venv"
DEFAULT_CONFIG = "techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit.yaml"
REGION = "us-west-2"


def sceptre_binary() -> Path | None:
    binary = SCEPTRE / "bin" / "sceptre"
    deadline = time.monotonic() + 180
    while SCEPTRE.exists() and not binary.exists() and time.monotonic() < deadline:
        time.sleep(1)  # another process (the tests) is creating it
    if not binary.exists():
        print("creating the sceptre venv under .peers/ (once)…", flush=True)
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(SCEPTRE)], check=True)
        done = subprocess.run([str(SCEPTRE / "bin" / "pip"), "install", "--quiet", "sceptre"],
                              check=False)  # fmt: skip
        if done.returncode != 0:
            return None
    return binary


def wait_deleted(cf: object, name: str) -> None:
    while True:
        stacks = [s for s in cf.list_stacks()["StackSummaries"]  # type: ignore[attr-defined]
                  if s["StackName"] == name and s["StackStatus"] != "DELETE_COMPLETE"]  # fmt: skip
        if not stacks:
            return
        if stacks[0]["StackStatus"] != "DELETE_IN_PROGRESS":
            stack_id = stacks[0]["StackId"]
            cf.update_termination_protection(  # type: ignore[attr-defined]
                StackName=stack_id, EnableTerminationProtection=False
            )
            cf.delete_stack(StackName=stack_id)  # type: ignore[attr-defined]
        time.sleep(0.05)


def final_event_time(cf: object, name: str) -> datetime:
    events = cf.describe_stack_events(StackName=name)["StackEvents"]  # type: ignore[attr-defined]
    final = next(e for e in events if e["ResourceType"] == "AWS::CloudFormation::Stack"
                 and e["ResourceStatus"].endswith("_COMPLETE"))  # fmt: skip
    stamp: datetime = final["Timestamp"]
    return stamp


def main() -> int:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=0.2, help="seconds per resource")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--config", default=DEFAULT_CONFIG)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="deploy-bench-"))
    shutil.copytree(ROOT / "examples" / "configs", work / "configs")
    config_path = work / "configs" / args.config
    with Emulator() as emulator:
        return measure(args, work, config_path, emulator)


def set_up_tenant(config: Path, work: Path, url: str, env: dict[str, str]) -> None:
    """Make the config deployable and its tenant ready, with the real CLI (not timed)."""
    session = boto3.session.Session(aws_access_key_id="bench", aws_secret_access_key="bench")

    def client(service: Literal["ec2", "s3"], region: str) -> Any:  # typed by SeedClients
        return session.client(service, endpoint_url=url, region_name=region)

    for path in (config, tenant_sec_config(config)):
        make_deployable(path, client)
    SETTINGS.resource_delay = 0.0
    for argv in tenant_setup(config):
        done = subprocess.run(["sec-provisioner", *argv], cwd=work, env=env, capture_output=True,
                              text=True, check=False)  # fmt: skip
        if done.returncode != 0:
            raise SystemExit(f"tenant set-up failed: sec-provisioner {' '.join(argv)}\n"
                             f"{done.stdout[-2000:]}{done.stderr[-2000:]}")  # fmt: skip


def measure(args: argparse.Namespace, work: Path, config_path: Path, emulator: Emulator) -> int:
    env = dict(os.environ, AWS_ENDPOINT_URL=emulator.url, AWS_ACCESS_KEY_ID="bench",
               AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION=REGION,
               AWS_EC2_METADATA_DISABLED="true")  # fmt: skip
    env.pop("AWS_PROFILE", None)
    set_up_tenant(config_path, work, emulator.url, env)
    plan = plan_stack(load_ml_config(config_path))
    template = work / "template.json"
    template.write_text(plan.render())
    name = plan.stack_name
    (work / "sceptre" / "config" / "bench").mkdir(parents=True)
    (work / "sceptre" / "templates").mkdir()
    shutil.copy(template, work / "sceptre" / "templates" / "template.json")
    (work / "sceptre" / "config" / "config.yaml").write_text(
        f"project_code: bench\nregion: {REGION}\n"
    )
    (work / "sceptre" / "config" / "bench" / "stack.yaml").write_text(
        f"template:\n  path: template.json\nstack_name: {name}\n")  # fmt: skip

    SETTINGS.resource_delay = args.delay
    cf = boto3.client("cloudformation", endpoint_url=emulator.url, region_name=REGION,
                      aws_access_key_id="bench", aws_secret_access_key="bench")  # fmt: skip
    tools: dict[str, tuple[list[str], Path]] = {
        "ml-provisioner deploy": (
            ["ml-provisioner", "-con", args.config, "-act", "deploy", "--force",
             "--allow-broadening"], work),
        "aws cloudformation deploy": (
            ["aws", "cloudformation", "deploy", "--template-file", str(template),
             "--stack-name", name, "--capabilities", "CAPABILITY_NAMED_IAM"], work),
    }  # fmt: skip
    sceptre = sceptre_binary()
    if sceptre is not None:
        tools["sceptre launch -y"] = ([str(sceptre), "launch", "-y", "bench/stack.yaml"],
                                      work / "sceptre")  # fmt: skip
    else:
        print("sceptre could not be installed: measured without it")
    results: dict[str, dict[str, list[float]]] = {t: {"wall": [], "calls": [], "tail": []}
                                                  for t in tools}  # fmt: skip
    for run in range(args.runs):
        for tool, (argv, cwd) in tools.items():
            wait_deleted(cf, name)
            REQUESTS.clear()
            started = time.perf_counter()
            done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True,
                                  check=False)  # fmt: skip
            wall = time.perf_counter() - started
            ended = datetime.now(UTC)
            calls = sum(REQUESTS.values())
            status = cf.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]
            if done.returncode != 0 or status != "CREATE_COMPLETE":
                print(f"{tool} failed ({done.returncode}, {status}):\n{done.stderr[-2000:]}")
                return 1
            results[tool]["wall"].append(wall)
            results[tool]["calls"].append(calls)
            tail = (ended - final_event_time(cf, name)).total_seconds()
            results[tool]["tail"].append(tail)
            print(
                f"run {run + 1}: {tool:<28} {wall:6.2f} s  {calls:4d} API calls  "
                f"final event → exit {tail:5.2f} s",
                flush=True,
            )
    wait_deleted(cf, name)

    resources = len(plan.resources)
    print(f"\n{resources} resources × {args.delay} s each; median of {args.runs} runs")
    ours = statistics.median(results["ml-provisioner deploy"]["wall"])
    print(f"{'tool':<28} {'wall':>8} {'ratio':>7} {'API calls':>10} {'final event → exit':>20}")
    summary = {}
    for tool, data in results.items():
        wall = statistics.median(data["wall"])
        median_calls = statistics.median(data["calls"])
        tail = statistics.median(data["tail"])
        print(f"{tool:<28} {wall:7.2f}s {wall / ours:6.2f}× {median_calls:10.0f} {tail:19.2f}s")
        summary[tool] = {"wall_s": wall, "ratio_to_ours": wall / ours, "api_calls": median_calls,
                         "final_event_to_exit_s": tail}  # fmt: skip
    tail = statistics.median(results["ml-provisioner deploy"]["tail"])
    verdict = "meets" if tail < 1.0 else "MISSES"
    print(f"\nml-provisioner: final event → exit {tail:.2f} s ({verdict} the < 1 s target)")
    (ROOT / "benchmarks" / "last-deploy-benchmark.json").write_text(
        json.dumps({"resources": resources, "delay_s": args.delay, "runs": args.runs,
                    "tools": summary}, indent=2) + "\n")  # fmt: skip
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
