"""Writing an action's outputs is all-or-nothing: a failure at any file leaves every output as
it was before the action, with no temp files, backups or new directories behind."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from conftest import CliRunner
from provisioner.cli.outputs import stale_outputs, write_all
from provisioner.errors import InputError

TECHCORP = "techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit.yaml"
STEM = "techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit"


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every path under root (directories as None) with its content."""
    return {
        str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None)
        for p in sorted(root.rglob("*"))
    }


def test_report_whose_markdown_target_is_a_directory_writes_no_html(
    run_ml: CliRunner, workdir: Path
) -> None:
    reports = workdir / "reports"
    reports.mkdir()
    (reports / f"{STEM}-create-report.md").mkdir()
    before = snapshot(workdir)
    result = run_ml("-con", TECHCORP, "-act", "create-report")
    assert result.code == 2 and "Traceback" not in result.err
    assert f"{STEM}-create-report.md: is a directory" in result.err
    assert snapshot(workdir) == before  # in particular, no .html


def test_report_over_an_earlier_one_is_kept_whole_when_a_rename_fails(
    run_ml: CliRunner, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_ml("-con", TECHCORP, "-act", "create-report").code == 0
    html = workdir / "reports" / f"{STEM}-create-report.html"
    html.write_text("earlier report")  # so a restored file can be told from a rewritten one
    before = snapshot(workdir)

    real_replace = os.replace

    def replace_failing_on_markdown(src: Any, dst: Any) -> None:
        if str(src).endswith(".tmp") and str(dst).endswith(".md"):  # placing it, not restoring
            raise PermissionError(13, "Permission denied", str(src))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace_failing_on_markdown)
    result = run_ml("-con", TECHCORP, "-act", "create-report")
    monkeypatch.undo()
    assert result.code == 2 and "Traceback" not in result.err
    assert "create-report.md: cannot write output: Permission denied" in result.err
    assert snapshot(workdir) == before  # the .html placed first is back to the earlier one


def test_a_rename_failing_midway_restores_replaced_and_removes_new_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "a.txt").write_text("old a")
    (tmp_path / "out" / "stale.txt").write_text("old stale")
    before = snapshot(tmp_path)
    files = {
        tmp_path / "out" / "a.txt": "new a",
        tmp_path / "out" / "b.txt": "new b",
        tmp_path / "new" / "deeper" / "c.txt": "new c",
        tmp_path / "out" / "d.txt": "new d",
    }
    real_replace = os.replace
    calls: list[str] = []

    def replace(src: Any, dst: Any) -> None:
        calls.append(str(dst))
        if str(src).endswith(".tmp") and str(dst).endswith("d.txt"):
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(InputError) as error:
        write_all(files, remove=[tmp_path / "out" / "stale.txt"])
    monkeypatch.undo()
    # The failure came after a, b and c were in place and stale.txt was set aside.
    assert sum(c.endswith(("a.txt", "b.txt", "c.txt")) for c in calls) >= 3
    assert "d.txt: cannot write output: No space left on device" in error.value.render()
    assert snapshot(tmp_path) == before


def test_a_temp_file_failing_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.txt").write_text("old a")
    before = snapshot(tmp_path)
    import provisioner.files as files_module

    real_stage = files_module._stage

    def stage(path: Path, data: bytes) -> Path:
        if path.name == "b.txt":
            raise OSError(122, "Disk quota exceeded")
        return real_stage(path, data)

    monkeypatch.setattr(files_module, "_stage", stage)
    with pytest.raises(InputError, match="Disk quota exceeded"):
        write_all({tmp_path / "a.txt": "new a", tmp_path / "b.txt": "new b"})
    assert snapshot(tmp_path) == before


def test_success_replaces_and_leaves_no_temp_or_backup(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("old a")
    (tmp_path / "old-2.txt").write_text("stale")
    written = write_all(
        {tmp_path / "a.txt": "new a", tmp_path / "sub" / "b.txt": "new b"},
        remove=[tmp_path / "old-2.txt"],
    )
    assert written == [tmp_path / "a.txt", tmp_path / "sub" / "b.txt"]
    assert snapshot(tmp_path) == {"a.txt": b"new a", "sub": None, "sub/b.txt": b"new b"}


def test_stale_policy_part_that_is_a_directory(run_ml: CliRunner, workdir: Path) -> None:
    policies = workdir / "policies"
    (policies / f"{STEM}-iam-policy-2.json").mkdir(parents=True)
    before = snapshot(workdir)
    result = run_ml("-con", TECHCORP, "-act", "create-policy")
    assert result.code == 2 and "Traceback" not in result.err
    assert f"{STEM}-iam-policy-2.json: is a directory" in result.err
    assert snapshot(workdir) == before  # the new policy is not written either


def test_stale_outputs_refuses_a_directory(tmp_path: Path) -> None:
    (tmp_path / "x-1.json").write_text("{}")
    (tmp_path / "x-2.json").mkdir()
    with pytest.raises(InputError, match=r"x-2\.json: is a directory"):
        stale_outputs(tmp_path, "x*.json", [])
    (tmp_path / "x-2.json").rmdir()
    assert stale_outputs(tmp_path, "x*.json", [tmp_path / "x.json"]) == [tmp_path / "x-1.json"]
