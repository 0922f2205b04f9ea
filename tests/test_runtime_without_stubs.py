"""boto3's clients are typed by stubs (types-boto3, in the `test` extra) that a user's install
does not have: the package imports them for annotations only, never at run time."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

# In a fresh interpreter that refuses the stubs: import every module of the package.
PROBE = r"""
import importlib, importlib.abc, pkgutil, sys

STUBS = ("types_boto3", "mypy_boto3", "botocore-stubs", "boto3-stubs")
TYPING_ONLY = "provisioner.deploy.clients"  # the stubs' client types, for annotations

class RefuseStubs(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.startswith(STUBS) or name == TYPING_ONLY:
            raise ImportError(f"{name} is for type checking only")

sys.meta_path.insert(0, RefuseStubs())
import provisioner

failed = []
for module in pkgutil.walk_packages(provisioner.__path__, "provisioner."):
    if module.name != TYPING_ONLY:
        try:
            importlib.import_module(module.name)
        except ImportError as exc:
            failed.append(f"{module.name}: {exc}")
print("\n".join(failed) or "ok")
"""


def test_every_module_imports_without_the_stubs() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
