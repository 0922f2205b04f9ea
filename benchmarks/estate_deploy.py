"""An estate's deploy: 100 stacks over 10 tenants (each a SEC config and 9 ML use cases of every
tier), against the local emulator in asynchronous mode (every resource takes the same time for
all), in one run: `provisioner --config-dir … --action deploy` with --max-parallel 1, 4 and 16,
beside `sceptre launch -y` of the same templates as one stack group, each use case's stack
depending on its tenant's SEC stack, with sceptre's own parallelism.

    python benchmarks/estate_deploy.py [--delay 0.05] [--tenants 10] [--use-cases 9]
                                       [--parallel 1 4 16] [--max-api-rate R]
                                       [--raised-rate 40] [--no-sceptre]

Reports wall time, API calls per stack and the most calls within one second, and for this
tool the polls its API budget let through and the least time they take at its rate (the run
cannot be faster than polls / rate). One more run goes at the largest N with the budget
raised to --raised-rate (0: none), to show what the default budget costs. Written to
benchmarks/results/estate-deploy-{delay}s.json. Needs the `local` and `test` extras; sceptre
goes in its own venv under .peers/ (benchmarks/deploy.py), created on first use.

Every tenant's bootstrap is made first, untimed (the administrator's, which all need), and
every stack is deleted between the runs.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Literal

import boto3

from provisioner.config.ml_loader import load_ml_config
from provisioner.config.sec_loader import load_sec_config
from provisioner.emulator.estates import write_estate
from provisioner.emulator.examples import make_deployable
from provisioner.emulator.faults import REQUESTS
from provisioner.emulator.server import Emulator
from provisioner.emulator.settings import SETTINGS
from provisioner.ml.plan import plan_stack
from provisioner.sec.plan import plan_stacks

sys.path.insert(0, str(Path(__file__).resolve().parent))
from deploy import sceptre_binary, wait_deleted

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
REGION = "us-west-2"
PARALLELISM = (1, 4, 16)


class PeakRate:
    """The most API calls the emulator answered within one second, sampled every 0.1 s."""

    def __init__(self) -> None:
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.1):
            self.samples.append((time.monotonic(), sum(REQUESTS.values())))

    def __enter__(self) -> PeakRate:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def peak(self) -> int:
        best, start = 0, 0
        for now, total in self.samples:
            while now - self.samples[start][0] > 1.0:
                start += 1
            best = max(best, total - self.samples[start][1])
        return best


def stack_templates(configs: list[Path]) -> dict[Path, list[tuple[str, str]]]:
    """Each config's stacks: (name, template body), as the tools render them."""
    stacks: dict[Path, list[tuple[str, str]]] = {}
    for config in configs:
        if config.name.endswith("-sec.yaml"):
            plans = plan_stacks(load_sec_config(config))
            stacks[config] = [(p.stack_name, p.render()) for p in plans]
        else:
            plan = plan_stack(load_ml_config(config))
            stacks[config] = [(plan.stack_name, plan.render())]
    return stacks


def sceptre_project(work: Path, stacks: dict[Path, list[tuple[str, str]]]) -> Path:
    """One stack group `estate`: a stack per template, each use case's after its SEC stacks."""
    project = work / "sceptre"
    (project / "config" / "estate").mkdir(parents=True)
    (project / "templates").mkdir()
    (project / "config" / "config.yaml").write_text(f"project_code: estate\nregion: {REGION}\n")
    sec_stacks = {c.name.removesuffix("-sec.yaml"): [n for n, _ in s]
                  for c, s in stacks.items() if c.name.endswith("-sec.yaml")}  # fmt: skip
    for config, entries in stacks.items():
        tenant = next(t for t in sec_stacks if config.name.startswith(t))
        for name, body in entries:
            (project / "templates" / f"{name}.json").write_text(body)
            lines = [f"template:\n  path: {name}.json", f"stack_name: {name}"]
            if not config.name.endswith("-sec.yaml"):
                lines.append("dependencies:")
                lines += [f"  - estate/{dep}.yaml" for dep in sec_stacks[tenant]]
            (project / "config" / "estate" / f"{name}.yaml").write_text("\n".join(lines) + "\n")
    return project


def main() -> int:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=0.05, help="seconds per resource")
    parser.add_argument("--tenants", type=int, default=10)
    parser.add_argument("--use-cases", type=int, default=9)
    parser.add_argument("--parallel", type=int, nargs="+", default=list(PARALLELISM))
    parser.add_argument("--max-api-rate", type=float, default=None,
                        help="this tool's polling budget (default: its own default)")  # fmt: skip
    parser.add_argument("--raised-rate", type=float, default=40.0,
                        help="one more run at the largest N, this budget (0: none)")  # fmt: skip
    parser.add_argument("--no-sceptre", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="estate-bench-"))
    (work / "configs").mkdir()
    # dev: nothing retained on delete, so each run deploys the same stacks afresh.
    configs = write_estate(ROOT / "examples" / "configs", work / "configs", args.tenants,
                           args.use_cases, env="dev")  # fmt: skip
    with Emulator() as emulator:
        return measure(args, work, configs, emulator)


def measure(args: argparse.Namespace, work: Path, configs: list[Path], emulator: Emulator) -> int:
    env = dict(os.environ, AWS_ENDPOINT_URL=emulator.url, AWS_ACCESS_KEY_ID="bench",
               AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION=REGION,
               AWS_EC2_METADATA_DISABLED="true")  # fmt: skip
    env.pop("AWS_PROFILE", None)
    session = boto3.session.Session(aws_access_key_id="bench", aws_secret_access_key="bench")

    def client(service: Literal["ec2", "s3"], region: str) -> Any:  # typed by SeedClients
        return session.client(service, endpoint_url=emulator.url, region_name=region)

    for config in configs:
        make_deployable(config, client)
    SETTINGS.resource_delay = 0.0
    boot = subprocess.run([str(BIN / "provisioner"), "--config-dir", "configs", "--action",
                           "bootstrap", "--force", "--allow-broadening"], cwd=work, env=env,
                          capture_output=True, text=True, check=False)  # fmt: skip
    if boot.returncode != 0:
        raise SystemExit(f"bootstrap failed:\n{boot.stdout[-3000:]}{boot.stderr[-3000:]}")
    stacks = stack_templates(configs)
    names = [name for entries in stacks.values() for name, _ in entries]
    cf = session.client("cloudformation", endpoint_url=emulator.url, region_name=REGION)

    def clean() -> None:
        SETTINGS.resource_delay = 0.0
        for name in reversed(names):
            wait_deleted(cf, name)
        SETTINGS.resource_delay = args.delay

    budget = [] if args.max_api_rate is None else ["--max-api-rate", f"{args.max_api_rate:g}"]
    deploy = [str(BIN / "provisioner"), "--config-dir", "configs", "--action", "deploy",
              "--force", "--output", "json"]  # fmt: skip
    runs: dict[str, tuple[list[str], Path]] = {
        f"provisioner --max-parallel {n} {' '.join(budget)}".rstrip(): (
            [*deploy, "--max-parallel", str(n), *budget], work)
        for n in args.parallel
    }  # fmt: skip
    if args.raised_rate:
        most = max(args.parallel)
        raised = ["--max-parallel", str(most), "--max-api-rate", f"{args.raised_rate:g}"]
        runs[f"provisioner {' '.join(raised)}"] = ([*deploy, *raised], work)
    sceptre = None if args.no_sceptre else sceptre_binary()
    if sceptre is not None:
        runs["sceptre launch -y (one stack group)"] = (
            [str(sceptre), "launch", "-y", "estate"],
            sceptre_project(work, stacks),
        )
    elif not args.no_sceptre:
        print("sceptre could not be installed: measured without it")
    print(f"{len(names)} stacks over {args.tenants} tenants, {args.delay} s per resource")
    results = {}
    for label, (argv, cwd) in runs.items():
        clean()
        REQUESTS.clear()
        with PeakRate() as rate:
            started = time.perf_counter()
            done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True,
                                  check=False)  # fmt: skip
            wall = time.perf_counter() - started
        calls = sum(REQUESTS.values())
        # By name: ListStacks also lists the earlier runs' deleted stacks of the same names.
        complete = sum(1 for n in names if cf.describe_stacks(StackName=n)["Stacks"][0][
            "StackStatus"] == "CREATE_COMPLETE")  # fmt: skip
        if done.returncode != 0 or complete != len(names):
            print(f"{label} failed (exit {done.returncode}, {complete}/{len(names)} stacks):\n"
                  f"{done.stdout[-2000:]}{done.stderr[-2000:]}")  # fmt: skip
            return 1
        per_stack = round(calls / len(names), 1)
        results[label] = {"wall_s": round(wall, 2), "api_calls_per_stack": per_stack,
                          "peak_calls_per_second": rate.peak()}  # fmt: skip
        floor = ""
        if label.startswith("provisioner"):  # its estate document: what the budget let through
            used = json.loads(done.stdout)["api_budget"]
            bound = used["polls"] / used["max_api_rate"]
            results[label] |= {"budget_polls": used["polls"], "budget_floor_s": round(bound, 1)}
            floor = f"  {used['polls']:4d} polls (≥ {bound:5.1f} s at its rate)"
        print(
            f"  {label:<52} {wall:7.2f} s  {calls / len(names):6.1f} calls/stack  "
            f"peak {rate.peak():4d} calls/s{floor}",
            flush=True,
        )
    one = next(iter(results.values()))["wall_s"]
    for data in results.values():
        data["speed_up_over_first"] = round(one / data["wall_s"], 2)
    record = ROOT / "benchmarks" / "results" / f"estate-deploy-{args.delay:g}s.json"
    record.write_text(json.dumps(
        {"stacks": len(names), "tenants": args.tenants, "delay_s": args.delay,
         "cores": os.cpu_count(), "results": results}, indent=2) + "\n")  # fmt: skip
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
