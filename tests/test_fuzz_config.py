"""Property-based fuzzing: no config content, however wrong, produces a traceback."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES
from provisioner.cli import ml as ml_cli

TECHCORP = "techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit.yaml"
GLOBALBANK = "globalbank-prod-c001-us-west-2-demand-forecasting-ml-codecommit.yaml"

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=80),
    st.sampled_from(
        [
            "prod",
            "us-west-2",
            "starter",
            "enterprise",
            "111122223333",
            "vpc-0a1b2c3d",
            "",
            "-",
            "a" * 200,
        ]
    ),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=8,
)


def base(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((EXAMPLES / name).read_text())
    return data


@st.composite
def mutated_configs(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    name = draw(st.sampled_from([TECHCORP, GLOBALBANK]))
    data = base(name)
    keys = sorted(data)
    for key in draw(st.lists(st.sampled_from(keys), max_size=3, unique=True)):
        data.pop(key, None)
    for key in draw(st.lists(st.sampled_from([*keys, "network", "build", "workload"]), max_size=3)):
        data[key] = draw(values)
    if draw(st.booleans()):
        data[draw(st.text(min_size=1, max_size=10))] = draw(values)
    return name, data


def run(workdir: Path, name: str, action: str) -> int:
    out, err = io.StringIO(), io.StringIO()
    code = ml_cli.main(["-con", name, "-act", action], cwd=workdir, stdout=out, stderr=err)
    assert "Traceback" not in err.getvalue()
    if code:
        assert err.getvalue().startswith("error: ") and out.getvalue() == ""
    return int(code)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=mutated_configs())
def test_mutated_configs_never_traceback(tmp_path_factory: Any, case: tuple[str, dict]) -> None:  # type: ignore[type-arg]
    name, data = case
    workdir: Path = tmp_path_factory.mktemp("fuzz")
    (workdir / "configs").mkdir()
    (workdir / "configs" / name).write_text(yaml.safe_dump(data, allow_unicode=True))
    for action in ("validate", "create-template", "create-policy"):
        code = run(workdir, name, action)
        assert code in (0, 2)
        if code == 2:
            assert not (workdir / "templates").exists() and not (workdir / "policies").exists()
    shutil.rmtree(workdir)


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=300))
def test_arbitrary_text_never_tracebacks(tmp_path_factory: Any, text: str) -> None:
    workdir: Path = tmp_path_factory.mktemp("fuzztext")
    (workdir / "configs").mkdir()
    (workdir / "configs" / TECHCORP).write_text(text)
    assert run(workdir, TECHCORP, "validate") == 2
    shutil.rmtree(workdir)
