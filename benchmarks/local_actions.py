"""Time each local action for one config, interpreter start included (a fresh process each run).

    python benchmarks/local_actions.py [--runs N] [--config NAME]

Prints the median and the fastest of N runs per action and flags any median over the target.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 0.5
ML_ACTIONS = (
    "validate",
    "create-template",
    "create-policy",
    "create-report",
    "list-resources",
    "create-seed-code",
)
DEFAULT_CONFIG = "globalbank-prod-c001-us-west-2-demand-forecasting-ml-codecommit.yaml"


def command(tool: str) -> list[str]:
    script = Path(sys.executable).parent / tool
    return [str(script)] if script.exists() else [sys.executable, "-m", "provisioner.cli.ml"]


def time_action(tool: str, config: str, action: str, runs: int, cwd: Path) -> list[float]:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(
            [*command(tool), "-con", config, "-act", action],
            cwd=cwd, check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        timings.append(time.perf_counter() - start)
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--config", default=DEFAULT_CONFIG)
    args = parser.parse_args()
    slow = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copytree(ROOT / "examples" / "configs", work / "configs")
        baseline = time_interpreter(args.runs)
        print(f"config: {args.config}  runs: {args.runs}  target: < {TARGET_SECONDS:.2f} s")
        print(f"{'bare python -c pass':<32} median {baseline:6.3f} s")
        for action in ML_ACTIONS:
            timings = time_action("ml-provisioner", args.config, action, args.runs, work)
            median = statistics.median(timings)
            flag = "" if median < TARGET_SECONDS else "  << over target"
            print(
                f"ml-provisioner {action:<17} median {median:6.3f} s  "
                f"min {min(timings):6.3f} s{flag}"
            )
            if flag:
                slow.append(action)
    return 1 if slow else 0


def time_interpreter(runs: int) -> float:
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


if __name__ == "__main__":
    raise SystemExit(main())
