"""No input hangs or eats memory: whatever a config file holds, both CLIs answer in bounded time
and memory with one message of bounded size. YAML merge keys work; files that are not regular
files are named for what they are; a config named like an option can still be given."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import provisioner
from conftest import EXAMPLES, CliRunner
from provisioner.cli import ml as ml_cli
from provisioner.cli import sec as sec_cli

TECHCORP = "techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit.yaml"
SEC_SMALL = "techcorp-dev-a001-us-west-2-sec.yaml"
LOCAL_ACTIONS = ["validate", "create-template", "create-policy", "create-report", "list-resources"]

# The issue's bound for any config; tracemalloc counts Python allocations, the subprocess
# test below the whole process.
# CPU seconds of the process (time.process_time), not wall time: other work on a loaded CI
# machine must not fail the bound, an exponential blowup still does.
MAX_SECONDS = 2.0
MAX_BYTES = 200 * 1024 * 1024


def alias_bomb(fan_out: int = 9, levels: int = 8, indent: str = "  ") -> str:
    """The billion-laughs document: each level a list of `fan_out` aliases of the one below."""
    lines = [f"{indent}x0: &x0 [{', '.join(['lol'] * fan_out)}]"]
    for level in range(1, levels):
        lines.append(f"{indent}x{level}: &x{level} [{', '.join([f'*x{level - 1}'] * fan_out)}]")
    return "\n".join(lines) + "\n"


def with_tags(name: str, tags_block: str) -> str:
    """The example config with its `tags:` replaced by the given block."""
    text = (EXAMPLES / name).read_text()
    head, _, _ = text.partition("\ntags:")
    return f"{head}\ntags:\n{tags_block}"


def test_issue_alias_bomb_in_a_subprocess(tmp_path: Path) -> None:
    """The issue's ~700-byte bomb under `tags`, every local action of the real process: peak
    resident memory of the whole process and wall time, as a user would see them."""
    (tmp_path / "configs").mkdir()
    bomb = alias_bomb()
    assert len(bomb) < 700
    (tmp_path / "configs" / TECHCORP).write_text(with_tags(TECHCORP, bomb))
    # VmHWM is this process's own peak (Linux); ru_maxrss would also count the parent's,
    # which a forked child inherits across exec.
    script = f"""
import io, json, resource, sys, time
from pathlib import Path
from provisioner.cli import ml
rows = []
for action in {LOCAL_ACTIONS!r}:
    err = io.StringIO()
    start = time.process_time()
    code = ml.main(["-con", {TECHCORP!r}, "-act", action], stdout=io.StringIO(), stderr=err)
    rows.append((action, code, time.process_time() - start, err.getvalue()))
status = Path("/proc/self/status")
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if status.exists():
    peak = int(next(l for l in status.read_text().splitlines() if l.startswith("VmHWM")).split()[1])
print(json.dumps({{"rows": rows, "peak_kb": peak}}))
"""
    env = {**os.environ, "PYTHONPATH": str(Path(provisioner.__file__).parent.parent)}
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    for action, code, seconds, err in result["rows"]:
        assert code == 2, (action, err)
        assert seconds < MAX_SECONDS, (action, seconds)
        assert "aliases are expanded" in err and "Traceback" not in err
        assert len(err) < 1000
    assert result["peak_kb"] * 1024 < MAX_BYTES


def _answer(main: object, name: str, text: str, workdir: Path) -> tuple[int, str, float, int]:
    """Exit code, stderr, seconds and peak traced bytes of one in-process run of validate."""
    (workdir / "configs" / name).write_text(text)
    out, err = io.StringIO(), io.StringIO()
    tracemalloc.start()
    start = time.process_time()
    try:
        code = main(["-con", name, "-act", "validate"], cwd=workdir, stdout=out, stderr=err)  # type: ignore[operator]
        seconds = time.process_time() - start
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return int(code), err.getvalue(), seconds, peak


# Documents built to grow: aliases nested `levels` deep with `fan_out` each, nesting, long
# strings and many keys, placed where the config takes a value of each shape.
@st.composite
def hostile_documents(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["bomb", "nesting", "long", "wide", "merge-bomb"]))
    if kind == "bomb":
        return alias_bomb(draw(st.integers(1, 40)), draw(st.integers(1, 12)))
    if kind == "nesting":
        depth = draw(st.integers(1, 900))
        opener, closer = draw(st.sampled_from([("[", "]"), ("{a: ", "}")]))
        return f"  deep: {opener * depth}1{closer * depth}\n"
    if kind == "long":
        size = draw(st.integers(0, 1_200_000))
        return f"  long: {'x' * size}\n"
    if kind == "wide":
        count = draw(st.integers(0, 30_000))
        return "".join(f"  k{i}: v{i}\n" for i in range(count))
    levels = draw(st.integers(1, 30))
    lines = ["  m0: &m0 {a: 1, b: 2}"]
    lines += [f"  m{i}: &m{i} {{<<: *m{i - 1}, n{i}: *m{i - 1}}}" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(block=hostile_documents(), tool=st.sampled_from(["ml", "sec"]))
def test_any_config_is_answered_in_bounded_time_and_memory(
    workdir: Path, block: str, tool: str
) -> None:
    main, name = (ml_cli.main, TECHCORP) if tool == "ml" else (sec_cli.main, SEC_SMALL)
    code, err, seconds, peak = _answer(main, name, with_tags(name, block), workdir)
    assert code in (0, 2), err
    assert "Traceback" not in err
    # tracemalloc slows allocation-heavy code several times: the point is exponential blowups.
    assert seconds < 4 * MAX_SECONDS, seconds
    assert peak < MAX_BYTES, peak
    assert len(err) < 60_000


@pytest.mark.parametrize(
    ("block", "needle"),
    [
        (alias_bomb(), "54,481,035 values once its aliases are expanded"),
        ("  a: &a [*a]\n", "contains an alias of itself"),
        ("  a: &a {b: *a}\n", "contains an alias of itself"),
        ("  a: " + "[" * 40 + "]" * 40 + "\n", "nests 42 levels deep"),
        ("  a: " + "x" * (1024 * 1024) + "\n", "over 1,024 KiB"),
    ],
    ids=["bomb", "recursive-list", "recursive-map", "deep", "huge"],
)
def test_hostile_yaml_gets_one_message(run_ml: CliRunner, workdir: Path, block: str,
                                       needle: str) -> None:  # fmt: skip
    (workdir / "configs" / TECHCORP).write_text(with_tags(TECHCORP, block))
    result = run_ml("-con", TECHCORP, "-act", "validate")
    assert result.code == 2 and result.out == ""
    assert result.err.startswith("error: ") and result.err.count("\n") == 1
    assert needle in result.err


def test_a_long_name_is_cut_in_the_message(run_ml: CliRunner, workdir: Path) -> None:
    text = (EXAMPLES / TECHCORP).read_text() + "? " + "Q" * 100_000 + "\n: 1\n"
    (workdir / "configs" / TECHCORP).write_text(text)
    result = run_ml("-con", TECHCORP, "-act", "validate")
    assert result.code == 2 and "unknown field" in result.err, result.err[:300]
    assert "characters left out" in result.err and len(result.err) < 3000


def test_many_problems_are_counted_not_all_listed(run_ml: CliRunner, workdir: Path) -> None:
    data = yaml.safe_load((EXAMPLES / TECHCORP).read_text())
    data.update({f"unknown{i}": i for i in range(100)})
    (workdir / "configs" / TECHCORP).write_text(yaml.safe_dump(data))
    result = run_ml("-con", TECHCORP, "-act", "validate")
    assert result.code == 2 and "101 problems" not in result.err
    assert "100 problems" in result.err and "… and 75 more" in result.err
    assert result.err.count("\n  - ") == 25


# -- merge keys ------------------------------------------------------------------------------
def test_merge_keys_share_values_and_own_keys_win(run_sec: CliRunner, workdir: Path) -> None:
    path = workdir / "configs" / SEC_SMALL
    text = path.read_text()
    growth = "  - name: growth\n    personas: [data-scientist, viewer]\n"
    assert growth in text
    written_out = text.replace(
        growth, "  - name: growth\n    personas: [data-scientist, ml-engineer, viewer]\n"
    )
    path.write_text(written_out)
    plain = run_sec("-con", SEC_SMALL, "-act", "list-resources")
    assert plain.code == 0, plain.err
    assert "growth" in plain.out
    merged = text.replace("  - name: churn\n", "  - &churn\n    name: churn\n").replace(
        growth, "  - <<: *churn\n    name: growth\n"
    )
    assert "<<: *churn" in merged
    path.write_text(merged)
    result = run_sec("-con", SEC_SMALL, "-act", "list-resources")
    assert result.code == 0, result.err
    assert result.out == plain.out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("b: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n", {"x": 1, "y": 3}),
        ("p: &p {x: 1}\nq: &q {x: 2, z: 3}\nm:\n  <<: [*p, *q]\n", {"x": 1, "z": 3}),
        ("p: &p {x: 1}\nq: &q {<<: *p, y: 2}\nm:\n  <<: *q\n", {"x": 1, "y": 2}),
    ],
    ids=["own-key-wins", "earlier-source-wins", "nested-merge"],
)
def test_merge_key_semantics(tmp_path: Path, text: str, expected: dict[str, int]) -> None:
    from provisioner.yaml_loader import load_yaml_mapping

    path = tmp_path / "c.yaml"
    path.write_text(text)
    assert load_yaml_mapping(path)["m"] == expected


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("p: &p [1]\nm:\n  <<: *p\n", "line 3, column 3: a merge key '<<' takes a mapping"),
        ("p: &p {x: 1}\nm:\n  <<: *p\n  <<: *p\n", "line 4, column 3: duplicate merge key"),
        ("m:\n  <<: 3\n", "line 2, column 3: a merge key '<<' takes a mapping"),
    ],
)
def test_bad_merge_keys_are_named(tmp_path: Path, text: str, needle: str) -> None:
    from provisioner.errors import InputError
    from provisioner.yaml_loader import load_yaml_mapping

    path = tmp_path / "c.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as caught:
        load_yaml_mapping(path)
    assert needle in str(caught.value)


# -- files that are not regular files --------------------------------------------------------
def _make(kind: str, where: Path) -> Path:
    if kind == "directory":
        where.mkdir()
    elif kind == "named pipe":
        os.mkfifo(where)
    elif kind == "socket":
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(where))
        sock.close()
    return where


@pytest.mark.parametrize("kind", ["directory", "named pipe", "socket"])
@pytest.mark.parametrize("how", ["bare name", "relative path", "absolute path"])
def test_a_config_that_is_not_a_regular_file_is_named_so(
    run_ml: CliRunner, workdir: Path, kind: str, how: str
) -> None:
    made = _make(kind, workdir / "configs" / "thing.yaml")
    given = {"bare name": "thing.yaml", "relative path": "configs/thing.yaml",
             "absolute path": str(made)}[how]  # fmt: skip
    for flag in ("-con", "--sec-config"):
        argv = [flag, given] if flag == "-con" else ["-con", TECHCORP, flag, given]
        result = run_ml(*argv, "-act", "validate")
        assert result.code == 2 and result.out == "", result.out
        assert f"is a {kind}, not a config file" in result.err, result.err
        assert "not found" not in result.err and "Traceback" not in result.err


@pytest.mark.parametrize("device", ["/dev/null", "/dev/zero"])
def test_a_device_given_as_config(run_ml: CliRunner, run_sec: CliRunner, device: str) -> None:
    for run in (run_ml, run_sec):
        result = run("-con", device, "-act", "validate")
        assert result.code == 2
        assert (
            result.err
            == f"error: {device}: is a character device, not a config file (a regular YAML file)\n"
        )


# -- a config whose name starts with '-' -----------------------------------------------------
@pytest.mark.parametrize("flag", ["-con", "--config"])
@pytest.mark.parametrize("name", ["-x.yaml", "--x.yaml", "-act.yaml"])
def test_a_config_named_like_an_option_says_how(run_ml: CliRunner, workdir: Path, flag: str,
                                                name: str) -> None:  # fmt: skip
    result = run_ml(flag, name, "-act", "validate")
    assert result.code == 2 and "Traceback" not in result.err
    assert f"--config={name}" in result.err, result.err
    # ...and what it says works: the file is found and read (its name then disagrees with it).
    (workdir / "configs" / name).write_text((EXAMPLES / TECHCORP).read_text())
    attached = run_ml(f"--config={name}", "-act", "validate")
    assert attached.code == 2 and "file name disagrees with its contents" in attached.err
