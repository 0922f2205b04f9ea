"""`provisioner-emulator` as a user runs it, in its own process: its arguments, the account it
acts as, a taken port, and the README's emulator walk-through run as written over every
example (bootstrap → SEC → ML)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import boto3
import pytest

from conftest import ROOT
from provisioner import __version__

BIN = Path(sys.executable).parent
BANNER = re.compile(r"AWS emulator on (http://localhost:\d+), acting as account (\d{12})")


def command_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MOTO_"))}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))
    return env


def run_emulator(*argv: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "provisioner-emulator"), *argv], env=command_env(),
                          capture_output=True, text=True, timeout=timeout)  # fmt: skip


def wait_for_banner(stdout: IO[str], process: subprocess.Popen[str]) -> tuple[str, str, str]:
    """Everything printed up to the banner, the emulator's URL and its account."""
    seen = ""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        line = stdout.readline()
        if not line and process.poll() is not None:
            raise AssertionError(f"the emulator exited {process.returncode}: {seen}")
        seen += line
        found = BANNER.search(line)
        if found:
            return seen, found.group(1), found.group(2)
    raise AssertionError(f"no banner within 180 s: {seen}")


@contextmanager
def serving(script: str, cwd: Path) -> Iterator[tuple[str, str, str]]:
    """`script` (ending in provisioner-emulator) run by bash until its banner; stopped after."""
    process = subprocess.Popen(["bash", "-e", "-c", script], cwd=cwd, env=command_env(),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)  # fmt: skip
    try:
        assert process.stdout is not None
        yield wait_for_banner(process.stdout, process)
    finally:
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C, as a user stops it
        process.wait(timeout=30)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_port_in_use_ends_it_at_once(emulator: Any) -> None:
    taken = emulator.url.rsplit(":", 1)[1]
    started = time.monotonic()
    result = run_emulator("--port", taken)
    assert result.returncode == 2, result.stdout + result.stderr
    assert time.monotonic() - started < 30
    assert f"port {taken} on 127.0.0.1 is in use" in result.stderr
    assert "Traceback" not in result.stderr and "AWS emulator on" not in result.stdout


def test_arguments_out_of_range_are_refused() -> None:
    for argv, message in (
        (["--port", "99999"], "'99999' is not a port"),
        (["--port", "-1"], "'-1' is not a port"),
        (["--account", "12345"], "'12345' is not an AWS account id"),
        (["--seed-examples", "no-such-dir"], "no-such-dir: no such directory"),
    ):
        result = run_emulator(*argv)
        assert result.returncode == 2 and message in result.stderr, (argv, result.stderr)


def test_version() -> None:
    result = run_emulator("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"provisioner-emulator {__version__}"


def test_the_banner_names_the_account_it_acts_as(tmp_path: Path) -> None:
    for argv, account in (([], "123456789012"), (["--account", "111122223333"], "111122223333")):
        script = f"provisioner-emulator --port 0 {' '.join(argv)}"
        with serving(script, tmp_path) as (_, url, shown):
            assert shown == account
            sts = boto3.client("sts", endpoint_url=url, region_name="us-west-2",
                               aws_access_key_id="x", aws_secret_access_key="x")  # fmt: skip
            assert sts.get_caller_identity()["Account"] == account


def readme_emulator_blocks() -> tuple[str, str]:
    """The two bash blocks of the README's emulator section: the emulator's shell, the other."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### Against the local emulator", 1)[1].split("\n#", 1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", section, re.S)
    assert len(blocks) == 2, blocks
    return blocks[0], blocks[1]


def test_the_readme_walk_through_deploys_every_example(tmp_path: Path) -> None:
    """The README's commands, as written (but on a free port: 4566 may be taken here), from a
    directory holding the repository's examples."""
    port = str(free_port())
    serve, use = (block.replace("4566", port) for block in readme_emulator_blocks())
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    examples = sorted((ROOT / "examples" / "configs").glob("*.yaml"))
    with serving(serve, tmp_path) as (seeded, _, account):
        for config in examples:
            assert f"seeded configs/{config.name}: " in seeded
        result = subprocess.run(["bash", "-e", "-c", use], cwd=tmp_path / "try",
                                env=command_env(), capture_output=True, text=True,
                                timeout=1200)  # fmt: skip
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    sec = [c for c in examples if c.name.endswith("-sec.yaml")]
    ml = [c for c in examples if c.name.endswith("-ml-codecommit.yaml")]
    done = {p.name for p in (tmp_path / "try" / "reports").glob("*.json")}
    for config in sec:
        tenant = config.name.removesuffix("-sec.yaml")
        assert {f"{tenant}-bootstrap-bootstrap.json", f"{config.stem}-deploy.json"} <= done
    for config in ml:  # each ML use case deployed after its tenant's SEC stacks
        assert {f"{config.stem}-{action}.json" for action in ("deploy", "status")} <= done
    assert result.stdout.count("CREATE_COMPLETE") >= len(ml)
    # The copies now name the emulator's account; the repository's examples are untouched.
    for config in examples:
        assert (
            f'account_id: "{account}"' in (tmp_path / "try" / "configs" / config.name).read_text()
        )
        assert f'account_id: "{account}"' not in config.read_text()


# -- the moto it needs --------------------------------------------------------------------------
def test_pyproject_pins_the_moto_the_emulator_checks_for() -> None:
    import tomllib

    from provisioner.emulator.moto_version import REQUIRED_MOTO

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    for extra in ("local", "test"):
        pins = [r for r in project["optional-dependencies"][extra] if r.startswith("moto")]
        assert pins == [f"moto[server]{REQUIRED_MOTO}"], extra


def test_the_compatible_release_rule() -> None:
    from provisioner.emulator.moto_version import is_compatible

    for version, ok in (("5.2.5", True), ("5.2.11", True), ("5.2.6.dev3", True),
                        ("5.2.4", False), ("5.3.0", False), ("6.0.0", False),
                        ("4.2.14", False), ("unknown", False)):  # fmt: skip
        assert is_compatible(version, "~=5.2.5") is ok, version
    from importlib.metadata import version as installed

    assert is_compatible(installed("moto")), "the installed moto is not the pinned one"


def test_another_moto_is_refused_with_the_one_it_needs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from provisioner.emulator import __main__ as command
    from provisioner.emulator import moto_version
    from provisioner.emulator.server import Emulator

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the emulator started")

    monkeypatch.setattr(moto_version, "installed_moto", lambda: "5.3.0")
    monkeypatch.setattr(command, "Emulator", never)
    assert command.main([]) == 2
    err = capsys.readouterr().err
    assert err.startswith("provisioner-emulator: the emulator needs moto~=5.2.5 ")
    assert "but moto 5.3.0 is installed" in err and err.count("\n") == 1
    with pytest.raises(moto_version.MotoVersionError, match=r"needs moto~=5\.2\.5 .*moto 5\.3\.0"):
        Emulator()
    monkeypatch.setattr(moto_version, "installed_moto", lambda: None)
    assert command.main([]) == 2
    assert "moto~=5.2.5, which is not installed" in capsys.readouterr().err


def test_the_examples_module_is_documented_api() -> None:
    """emulator/examples.py and emulator/estates.py ship in the package as API: docs/emulator.md's
    tables name each thing they export, and each exports every public name it defines."""
    import ast
    import inspect

    from provisioner.emulator import estates, examples

    exported: set[str] = set()
    for module in (examples, estates):
        tree = ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8"))
        defined: set[str] = set()
        for node in tree.body:  # the module's own top-level names
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                defined.add(node.name)
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                defined |= {t.id for t in targets if isinstance(t, ast.Name)}
        defined = {name for name in defined if not name.startswith("_")}
        assert set(module.__all__) == defined, module.__name__
        exported |= defined
    docs = (ROOT / "docs" / "emulator.md").read_text(encoding="utf-8")
    section = docs.split("## Preparing configs from Python", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"^\| `([A-Za-z_]+)", section, re.M))
    named |= set(re.findall(r", `([A-Za-z_]+)", section))
    assert named == exported
    for module in (examples, estates):
        for name in module.__all__:
            value = getattr(module, name)
            if inspect.isfunction(value):  # each row shows the function's own parameters
                params = ", ".join(
                    p.name for p in inspect.signature(value).parameters.values()
                    if p.kind is not p.KEYWORD_ONLY  # options: named in the row's text
                )  # fmt: skip
                assert f"`{name}({params})`" in section, name
