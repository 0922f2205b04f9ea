"""Each tier image's size, and the wall time of `validate` in a container beside the same
action of the pip-installed tool (a fresh process each), in one run.

    python benchmarks/images.py [--runs 5] [--json PATH]

Needs a docker engine and the images (scripts/build-images, or `--local-base` with no
registry). Targets: every image under 300 MB, and under 1 s of container overhead (container
median minus pip median).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "configs"
MAX_MB = 300
MAX_OVERHEAD_S = 1.0
# Each image with an example of its tier (a config it takes).
CASES = {
    "ml-provisioner:starter": "techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit.yaml",
    "ml-provisioner:professional": (
        "edge-prod-b001-us-west-2-fraud-detection-realtime-ml-codecommit.yaml"
    ),
    "ml-provisioner:enterprise": (
        "globalbank-prod-c001-us-west-2-demand-forecasting-ml-codecommit.yaml"
    ),
    "sec-provisioner:small": "techcorp-dev-a001-us-west-2-sec.yaml",
    "sec-provisioner:medium": "edge-prod-b001-us-west-1-sec.yaml",
    "sec-provisioner:enterprise": "globalbank-prod-c001-us-east-1-sec.yaml",
}


def timed(argv: list[str], runs: int, cwd: str | None = None) -> float:
    """Median wall seconds of `runs` runs (after one untimed warm-up run)."""
    timings = []
    for run in range(runs + 1):
        start = time.perf_counter()
        done = subprocess.run(argv, capture_output=True, text=True, cwd=cwd)
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed:\n{done.stderr}")
        if run:
            timings.append(elapsed)
    return statistics.median(timings)


def image_mb(image: str) -> float:
    size = subprocess.run(
        ["docker", "image", "inspect", "--format", "{{.Size}}", image],
        capture_output=True,
        text=True,
    )
    if size.returncode != 0:
        raise SystemExit(f"no image {image}: build it with scripts/build-images")
    return int(size.stdout) / 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    bin_dir = Path(sys.executable).parent
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(EXAMPLES, Path(tmp) / "configs")
        print(f"runs: {args.runs}  targets: < {MAX_MB} MB, < {MAX_OVERHEAD_S} s overhead")
        print(f"{'image':<30} {'size':>8} {'container':>10} {'pip':>8} {'overhead':>9}")
        for image, config in CASES.items():
            tool = image.split(":")[0]
            action = ["-con", config, "-act", "validate"]
            container = timed(
                ["docker", "run", "--rm", "--network", "none",
                 "-v", f"{tmp}/configs:/app/configs:ro", image, *action],
                args.runs,
            )  # fmt: skip
            pip = timed([str(bin_dir / tool), *action], args.runs, cwd=tmp)
            size = image_mb(image)
            overhead = container - pip
            flags = ("" if size < MAX_MB else "  OVER SIZE") + (
                "" if overhead < MAX_OVERHEAD_S else "  OVER TIME"
            )
            print(
                f"{image:<30} {size:6.0f} MB {container:8.3f} s {pip:6.3f} s "
                f"{overhead:7.3f} s{flags}"
            )
            results.append(
                {"image": image, "config": config, "size_mb": round(size, 1),
                 "container_s": round(container, 3), "pip_s": round(pip, 3),
                 "overhead_s": round(overhead, 3)}
            )  # fmt: skip
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"runs": args.runs, "results": results}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
