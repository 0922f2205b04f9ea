"""Local actions over an estate of 100 configs (10 tenants, each a SEC config and 9 ML use
cases of every tier), in one run: `provisioner --config-dir` (one process for all) beside the
same action run config by config (a process each, as a shell loop runs it today).

    python benchmarks/estate.py [--tenants 10] [--use-cases 9] [--action validate]

Prints each way's wall time and their ratio, and flags the estate run over the target (100
configs validated and planned in under 5 s on the development machine: issue 13).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from provisioner.emulator.estates import write_estate

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "configs"
TARGET_SECONDS = 5.0
BIN = Path(sys.executable).parent


def timed(argv: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, env=os.environ.copy())
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} exited {result.returncode}:\n{result.stderr[-3000:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tenants", type=int, default=10)
    parser.add_argument("--use-cases", type=int, default=9)
    parser.add_argument("--action", default="validate")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        (work / "configs").mkdir()
        configs = write_estate(EXAMPLES, work / "configs", args.tenants, args.use_cases)
        together = timed(
            [str(BIN / "provisioner"), "--config-dir", "configs", "--action", args.action], work
        )
        one_by_one = 0.0
        for config in configs:
            tool = "sec-provisioner" if config.name.endswith("-sec.yaml") else "ml-provisioner"
            one_by_one += timed(
                [str(BIN / tool), "--config", f"configs/{config.name}", "--action", args.action],
                work,
            )
    count = len(configs)
    print(f"{args.action} over {count} configs ({args.tenants} tenants)")
    print(f"  provisioner --config-dir (one process)   {together:6.2f} s")
    print(f"  one process per config (a shell loop)    {one_by_one:6.2f} s")
    print(f"  ratio                                    {one_by_one / together:6.1f}x faster")
    if together > TARGET_SECONDS:
        print(f"  over the target of {TARGET_SECONDS:.0f} s")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
