"""Local actions need no credentials and no network, and stay off the heavy AWS imports."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import EXAMPLES

# Runs in a fresh interpreter: blocks every socket, runs each local action on each example,
# then fails if boto3/botocore were imported.
PROBE = r"""
import socket, sys
def refuse(*a, **k):
    raise OSError("network use attempted by a local action")
socket.socket = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
from provisioner.cli import ml, sec
codes = []
for config in sys.argv[1:]:
    is_ml = config.endswith("-ml-codecommit.yaml")
    tool, actions = (ml, ("create-seed-code",)) if is_ml else (sec, ())
    for action in ("validate", "create-template", "create-policy", "create-report",
                   "list-resources", *actions):
        codes.append(tool.main(["-con", config, "-act", action]))
heavy = sorted(m for m in ("boto3", "botocore", "cfnlint") if m in sys.modules)
print("codes", codes, "heavy", heavy)
sys.exit(1 if any(codes) or heavy else 0)
"""


def test_local_actions_offline_without_credentials(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLES, tmp_path / "configs")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["AWS_CONFIG_FILE"] = env["AWS_SHARED_CREDENTIALS_FILE"] = str(tmp_path / "none")
    env["HOME"] = str(tmp_path)
    configs = sorted(p.name for p in EXAMPLES.glob("*.yaml"))
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *configs],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "heavy []" in result.stdout
    assert len(list((tmp_path / "manifests").glob("*-manifest.json"))) == len(configs)
    assert len(list((tmp_path / "templates").glob("*-stack.json"))) >= len(configs)
    assert len(list((tmp_path / "reports").glob("*.html"))) == len(configs)
