"""create-template's outputs never go stale: what an earlier run of the same config wrote and
this run does not is removed in the same all-or-nothing step, another config's files never;
the deploy-order manifest lives outside templates/, so `cfn-lint templates/*.json` passes."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, CliRunner
from test_outputs import snapshot

GLOBALBANK = "globalbank-prod-c001-us-east-1-sec.yaml"  # 12 teams: two team stacks
STEM = GLOBALBANK.removesuffix(".yaml")
TEAMS_02 = "globalbank-prod-c001-us-east-1-teams-02-sec-stack.json"
MANIFEST = f"manifests/{STEM}-manifest.json"


def shrink_to_five_teams(config: Path) -> None:
    lines = config.read_text().splitlines(keepends=True)
    teams = [i for i, line in enumerate(lines) if line.startswith("  - {name: ")]
    assert len(teams) == 12
    del lines[teams[5] : teams[-1] + 1]
    config.write_text("".join(lines))


def templates(workdir: Path) -> set[str]:
    return {p.name for p in (workdir / "templates").iterdir()}


def test_shrinking_a_config_removes_the_templates_it_no_longer_plans(
    run_sec: CliRunner, workdir: Path
) -> None:
    assert run_sec("-con", GLOBALBANK, "-act", "create-template").code == 0
    assert TEAMS_02 in templates(workdir)
    shrink_to_five_teams(workdir / "configs" / GLOBALBANK)
    result = run_sec("-con", GLOBALBANK, "-act", "create-template")
    assert result.code == 0, result.err
    assert TEAMS_02 not in templates(workdir)
    assert f"removed {workdir / 'templates' / TEAMS_02}" in result.out
    listed = {s["template"] for s in json.loads((workdir / MANIFEST).read_text())["stacks"]}
    assert {f"templates/{name}" for name in templates(workdir)} == listed


def test_another_configs_files_are_kept(run_sec: CliRunner, workdir: Path) -> None:
    others = ["edge-prod-b001-us-west-1-sec.yaml", "globalbank-prod-c001-us-west-2-sec.yaml"]
    for other in others:  # the second: same company and tenant, another region
        assert run_sec("-con", other, "-act", "create-template").code == 0
    theirs = {path: data for path, data in snapshot(workdir).items() if "configs" not in path}
    assert run_sec("-con", GLOBALBANK, "-act", "create-template").code == 0
    shrink_to_five_teams(workdir / "configs" / GLOBALBANK)
    assert run_sec("-con", GLOBALBANK, "-act", "create-template").code == 0
    after = snapshot(workdir)
    assert {path: after.get(path) for path in theirs} == theirs


def test_a_failure_mid_write_leaves_the_earlier_set_whole(
    run_sec: CliRunner, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_sec("-con", GLOBALBANK, "-act", "create-template").code == 0
    shrink_to_five_teams(workdir / "configs" / GLOBALBANK)
    before = snapshot(workdir)
    real_replace = os.replace

    def replace_failing_on_manifest(src: Any, dst: Any) -> None:
        if str(src).endswith(".tmp") and str(dst).endswith("-manifest.json"):
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace_failing_on_manifest)
    result = run_sec("-con", GLOBALBANK, "-act", "create-template")
    monkeypatch.undo()
    assert result.code == 2 and "Traceback" not in result.err
    assert "No space left on device; nothing was changed" in result.err
    assert snapshot(workdir) == before  # teams-02 back, old templates and manifest unchanged


def test_the_manifest_at_its_earlier_place_is_read_and_removed(
    run_sec: CliRunner, workdir: Path
) -> None:
    """Runs before the manifests/ directory wrote templates/{stem}-manifest.json."""
    assert run_sec("-con", GLOBALBANK, "-act", "create-template").code == 0
    legacy = workdir / "templates" / f"{STEM}-manifest.json"
    (workdir / MANIFEST).rename(legacy)
    shrink_to_five_teams(workdir / "configs" / GLOBALBANK)
    assert run_sec("-con", GLOBALBANK, "-act", "create-template").code == 0
    assert not legacy.exists() and TEAMS_02 not in templates(workdir)


def test_a_manifest_naming_other_files_removes_none_of_them(
    run_sec: CliRunner, workdir: Path
) -> None:
    assert run_sec("-con", GLOBALBANK, "-act", "create-template").code == 0
    (workdir / "keep.json").write_text("{}")
    (workdir / "templates" / "notes.json").write_text("{}")
    forged = [{"template": "keep.json"}, {"template": "templates/../keep.json"},
              {"template": "templates/notes.json"}]  # fmt: skip
    (workdir / MANIFEST).write_text(json.dumps({"stacks": forged}))
    assert run_sec("-con", GLOBALBANK, "-act", "create-template").code == 0
    assert (workdir / "keep.json").exists() and (workdir / "templates" / "notes.json").exists()


def test_cfn_lint_passes_on_every_generated_template(tmp_path: Path) -> None:
    """`cfn-lint templates/*.json` as a user runs it, after create-template of every example:
    the glob finds templates only (the manifest once made it fail with E1001)."""
    from provisioner.cli import ml as ml_cli
    from provisioner.cli import sec as sec_cli

    shutil.copytree(EXAMPLES, tmp_path / "configs")
    for config in sorted(EXAMPLES.glob("*.yaml")):
        cli = sec_cli if config.name.endswith("-sec.yaml") else ml_cli
        argv = ["-con", config.name, "-act", "create-template"]
        assert cli.main(argv, cwd=tmp_path, stdout=io.StringIO()) == 0
    linted = sorted(str(p) for p in (tmp_path / "templates").glob("*.json"))
    assert len(linted) >= len(list(EXAMPLES.glob("*.yaml")))
    result = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), *linted],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
