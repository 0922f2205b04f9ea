"""Packaging for pip users: `python -m build` makes a wheel and an sdist that `twine check`
passes; the wheel, installed into a clean venv, runs both CLIs, says how to get the emulator
without its extra, and runs the emulator with it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT

# A clean venv sees nothing of the test run's own path (a source tree on PYTHONPATH would
# count as the package installed).
CLEAN_ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}


def run(*argv: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in argv], cwd=cwd, capture_output=True, text=True, timeout=600, env=CLEAN_ENV
    )


def ok(done: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert done.returncode == 0, f"{done.args}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel and sdist, built from a copy of the source tree (the build leaves its scratch
    directories where it runs)."""
    tree = tmp_path_factory.mktemp("tree")
    tracked = ok(run("git", "ls-files", "-co", "--exclude-standard", cwd=ROOT)).stdout.split()
    for name in tracked:
        if (ROOT / name).is_file():
            (tree / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, tree / name)
    out = tmp_path_factory.mktemp("dist")
    ok(run(sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", out, tree))
    return out


def test_build_makes_a_wheel_and_an_sdist_twine_passes(dist: Path) -> None:
    wheels, sdists = list(dist.glob("*.whl")), list(dist.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, list(dist.iterdir())
    checked = ok(run(sys.executable, "-m", "twine", "check", "--strict", *wheels, *sdists))
    assert checked.stdout.count("PASSED") == 2 and "WARNING" not in checked.stdout


def test_the_wheel_in_a_clean_venv(dist: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    ok(run(sys.executable, "-m", "venv", venv))
    pip: list[str | Path] = [
        venv / "bin" / "python",
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
    ]
    wheel = next(dist.glob("*.whl"))
    # The dependencies as locked (what CI and the images run), then the wheel itself.
    ok(run(*pip, "--require-hashes", "-r", ROOT / "requirements.lock"))
    ok(run(*pip, "--no-deps", wheel))
    work = tmp_path / "work"
    shutil.copytree(EXAMPLES, work / "configs")
    bin_ = venv / "bin"
    ml = ok(run(bin_ / "ml-provisioner", "-con",
                "techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit.yaml",
                "-act", "create-policy", cwd=work))  # fmt: skip
    assert "wrote" in ml.stdout and list((work / "policies").glob("techcorp-*-iam-policy*.json"))
    sec = ok(run(bin_ / "sec-provisioner", "--config", "edge-prod-b001-us-west-1-sec.yaml",
                 "--action", "validate", cwd=work))  # fmt: skip
    assert "edge-prod-b001-us-west-1-sec.yaml: valid" in sec.stdout
    # No moto yet: one message saying how to install it.
    missing = run(bin_ / "provisioner-emulator", "--port", "0")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert "pip install 'ml-sec-provisioner[local]'" in missing.stderr
    # The `local` extra, as a pip user adds it to the wheel, brings the emulator.
    ok(run(*pip, f"{wheel}[local]"))
    emulator = subprocess.Popen(
        [bin_ / "provisioner-emulator", "--port", "0"], stdout=subprocess.PIPE, text=True,
        env=CLEAN_ENV,
    )  # fmt: skip
    try:
        assert emulator.stdout is not None
        line = emulator.stdout.readline()  # "AWS emulator on http://127.0.0.1:PORT, ..."
        url = line.split(" on ", 1)[1].split(",", 1)[0]
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/moto-api/", timeout=2) as answer:
                    assert answer.status == 200
                break
            except OSError:
                assert time.monotonic() < deadline, f"no emulator at {url}"
                time.sleep(0.2)
    finally:
        emulator.terminate()
        emulator.wait(timeout=30)
