"""The tier images, built from the one Dockerfile on a base made from Debian's packages
(scripts/make-local-base) and run as the seeds run them: their `docker run` lines exactly as
written, every local action of every example with no network, an AWS lifecycle against the
emulator on the host, read-only and unwritable mounts, `--user`, and a tier mismatch.

Needs a running docker engine (scripts/test installs docker.io and starts dockerd). Without
one they fail under scripts/test and CI, and are skipped only when pytest is run by hand."""

from __future__ import annotations

import fcntl
import hashlib
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import EXAMPLES, ROOT
from provisioner.cli import ml as ml_cli
from provisioner.cli import sec as sec_cli
from provisioner.config.ml_loader import load_ml_config
from provisioner.config.sec_loader import load_sec_config
from provisioner.emulator.examples import EMULATOR_ACCOUNT, use_account

# The seeds' command lines, character for character.
SEC_SEED = """docker run --rm \\
-v ~/.aws:/home/secuser/.aws:ro \\
-v $(pwd)/sec/configs:/app/configs:ro \\
-v $(pwd)/sec/policies:/app/policies \\
-v $(pwd)/sec/reports:/app/reports \\
sec-provisioner:medium-10 \\
--config edge-prod-b001-us-west-1-sec.yaml \\
--action export-iam-policy
"""
ML_SEED = """CONFIG={your-config-filename}.yaml # e.g. techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit.yaml
IMAGE={starter|professional|enterprise} # e.g. starter
docker run --rm \\
-v ~/.aws:/home/mluser/.aws:ro \\
-v $(pwd)/ml/configs:/app/configs:ro \\
-v $(pwd)/ml/policies:/app/policies \\
-v $(pwd)/ml/reports:/app/reports \\
ml-provisioner:${IMAGE} \\
-con ${CONFIG} \\
-act create-policy
"""  # noqa: E501 - the seed's own line
SEC_CONFIG = "edge-prod-b001-us-west-1-sec.yaml"
ML_CONFIG = "techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit.yaml"
PROFESSIONAL = "edge-prod-b001-us-west-2-fraud-detection-realtime-ml-codecommit.yaml"

IMAGES = (
    "ml-provisioner:starter",
    "ml-provisioner:professional",
    "ml-provisioner:enterprise",
    "sec-provisioner:small",
    "sec-provisioner:medium",
    "sec-provisioner:enterprise",
    "sec-provisioner:medium-4",  # a size below the tier's cap, for the mismatch test
)
# Every local action the examples take: create-stackset-roles needs a `deployment` section,
# which no example has (tests/test_stackset_roles.py runs it).
ML_LOCAL_ACTIONS = [s.name for s in ml_cli.LOCAL_ACTIONS if s.name != "create-stackset-roles"]
SEC_LOCAL_ACTIONS = [s.name for s in sec_cli.OWN_ACTIONS
                     if s.name not in ("create-stackset-roles", "bootstrap")]  # fmt: skip
IMAGE_UID = 1000  # the image's user (Dockerfile)
OTHER_UID = 4321  # a uid the image does not know


@pytest.fixture(scope="session")
def docker() -> None:
    """A docker engine to talk to, or a skip outside the test command (scripts/test sets
    PROVISIONER_REQUIRE_DOCKER, as CI=true does: there a missing engine fails)."""
    found = shutil.which("docker") is not None
    info = subprocess.run(["docker", "info"], capture_output=True, text=True) if found else None
    if info is None or info.returncode != 0:
        reason = "docker is not installed" if info is None else info.stderr.strip()[-300:]
        message = f"no docker engine ({reason}); scripts/test installs docker.io and starts one"
        if os.environ.get("CI") == "true" or os.environ.get("PROVISIONER_REQUIRE_DOCKER"):
            pytest.fail(message)
        pytest.skip(message)


def _build_key() -> str:
    """Everything an image is made of: a change to any of it rebuilds them."""
    digest = hashlib.sha256()
    inputs = [
        ROOT / "Dockerfile",
        ROOT / "requirements.lock",
        ROOT / "pyproject.toml",
        ROOT / "scripts" / "build-images",
        ROOT / "scripts" / "make-local-base",
        *sorted((ROOT / "src").rglob("*.py")),
    ]
    for path in inputs:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="session")
def images(docker: None) -> None:
    """Every tag, built once per change of its inputs; the test workers of one run share one
    build (a lock), and a key file says what the existing tags were built from."""
    key = _build_key()
    key_file = Path("/tmp/provisioner-images.key")
    with open("/tmp/provisioner-images.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        exist = subprocess.run(["docker", "image", "inspect", *IMAGES], capture_output=True)
        if exist.returncode == 0 and key_file.exists() and key_file.read_text() == key:
            return
        build = subprocess.run(
            [str(ROOT / "scripts" / "build-images"), "--local-base", *IMAGES],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHON": sys.executable},
        )
        assert build.returncode == 0, build.stderr
        key_file.write_text(key)


def fake_home(root: Path) -> Path:
    """A HOME whose ~/.aws has a profile for the emulator, as a user's would for AWS."""
    home = root / "home"
    (home / ".aws").mkdir(parents=True)
    (home / ".aws" / "config").write_text("[profile emulator]\nregion = us-west-2\n")
    (home / ".aws" / "credentials").write_text(
        "[emulator]\naws_access_key_id = testing\naws_secret_access_key = testing\n"
    )
    return home


def seed_layout(root: Path) -> Path:
    """A directory laid out like the seeds': sec/ and ml/ with configs/ and the output
    directories, writable by the image's user, and a HOME with ~/.aws."""
    for tool, pattern in (("sec", "*-sec.yaml"), ("ml", "*-ml-codecommit.yaml")):
        (root / tool / "configs").mkdir(parents=True)
        for config in EXAMPLES.glob(pattern):
            shutil.copy(config, root / tool / "configs")
        for output in ("policies", "reports"):
            (root / tool / output).mkdir()
            (root / tool / output).chmod(0o777)  # the tests run as root; the image as uid 1000
    fake_home(root)
    return root


def shell(script: str, cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HOME": str(home)}
    return subprocess.run(["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True)


def docker_run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["docker", "run", "--rm", *args], capture_output=True, text=True)


def pip_tool_files(tool: str, config: str, actions: list[str], into: Path) -> dict[str, bytes]:
    """What the pip-installed tool writes for these actions, in a directory of its own."""
    shutil.copytree(EXAMPLES, into / "configs")
    main = ml_cli.main if tool == "ml" else sec_cli.main
    for action in actions:
        out, err = io.StringIO(), io.StringIO()
        code = main(["-con", config, "-act", action], cwd=into, stdout=out, stderr=err)
        assert code == 0, err.getvalue()
    return files_under(into, exclude="configs")


def files_under(root: Path, exclude: str = "") -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not (exclude and p.relative_to(root).parts[0] == exclude)
    }


# -- the seeds' command lines, exactly as written ---------------------------------------------
def test_the_seeds_sec_command_line(images: None, tmp_path: Path) -> None:
    root = seed_layout(tmp_path / "seed")
    result = shell(SEC_SEED, cwd=root, home=root / "home")
    assert result.returncode == 0, result.stderr
    policy = root / "sec" / "policies" / "edge-prod-b001-us-west-1-sec-iam-policy.json"
    assert policy.is_file()
    assert policy.stat().st_uid == IMAGE_UID  # the first user of most hosts owns the outputs
    expected = pip_tool_files("sec", SEC_CONFIG, ["export-iam-policy"], tmp_path / "pip")
    assert files_under(root / "sec" / "policies") == {
        name.removeprefix("policies/"): data for name, data in expected.items()
    }


def test_the_seeds_ml_command_line(images: None, tmp_path: Path) -> None:
    root = seed_layout(tmp_path / "seed")
    script = ML_SEED.replace("{your-config-filename}.yaml", ML_CONFIG).replace(
        "{starter|professional|enterprise}", "starter"
    )
    result = shell(script, cwd=root, home=root / "home")
    assert result.returncode == 0, result.stderr
    # The seed's path, or its numbered parts when the policy is over IAM's size limit.
    stem = root / "ml" / "policies" / "techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit"
    seed_path = stem.with_name(f"{stem.name}-iam-policy.json")
    assert seed_path.is_file() or stem.with_name(f"{stem.name}-iam-policy-1.json").is_file()
    expected = pip_tool_files("ml", ML_CONFIG, ["create-policy"], tmp_path / "pip")
    assert files_under(root / "ml" / "policies") == {
        name.removeprefix("policies/"): data for name, data in expected.items()
    }


# -- every local action of every example, with no network ------------------------------------
def _image_for(config: Path) -> tuple[str, str, list[str]]:
    if config.name.endswith("-sec.yaml"):
        return "sec", f"sec-provisioner:{load_sec_config(config).tier.value}", SEC_LOCAL_ACTIONS
    return "ml", f"ml-provisioner:{load_ml_config(config).tier.value}", ML_LOCAL_ACTIONS


@pytest.mark.parametrize("config", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_local_action_offline(images: None, tmp_path: Path, config: Path) -> None:
    tool, image, actions = _image_for(config)
    work = tmp_path / "work"
    shutil.copytree(EXAMPLES, work / "configs")
    outputs = ("policies", "reports", "templates", "manifests", "seed-code")
    for output in outputs:
        (work / output).mkdir()
        (work / output).chmod(0o777)
    mounts = [f"-v{work / 'configs'}:/app/configs:ro"]
    mounts += [f"-v{work / o}:/app/{o}" for o in outputs]
    for action in actions:  # one container per action: the entrypoint takes every flag
        run = docker_run("--network", "none", *mounts, image, "-con", config.name, "-act", action)
        assert run.returncode == 0, f"{action}: {run.stderr}"
        assert "Traceback" not in run.stderr
    made = files_under(work, exclude="configs")
    expected = pip_tool_files(tool, config.name, actions, tmp_path / "pip")
    # The same files, byte for byte, except where a file names the directory it was written
    # to (the container's /app, the pip tool's own directory).
    assert sorted(made) == sorted(expected)
    pip_root = str(tmp_path / "pip").encode()
    for name, data in made.items():
        assert data == expected[name].replace(pip_root, b"/app"), name


# -- the image's user, directories and entrypoint --------------------------------------------
@pytest.mark.parametrize(("image", "user"), [("ml-provisioner:starter", "mluser"),
                                             ("sec-provisioner:medium", "secuser")])  # fmt: skip
def test_the_image_runs_as_its_user_in_app(images: None, image: str, user: str) -> None:
    probe = docker_run("--entrypoint", "sh", image, "-c", 'id -un; echo "$HOME"; pwd; ls /app')
    assert probe.returncode == 0, probe.stderr
    directories = ["configs", "manifests", "policies", "reports", "seed-code", "templates"]
    assert probe.stdout.split() == [user, f"/home/{user}", "/app", *directories]
    version = docker_run(image, "--version")
    assert version.returncode == 0 and version.stdout.startswith(image.split(":")[0])


def test_user_flag_writes_files_the_host_user_owns(images: None, tmp_path: Path) -> None:
    """The README's `--user "$(id -u):$(id -g)"`; and a uid the image does not know still
    has the image's HOME."""
    root = seed_layout(tmp_path / "seed")
    script = SEC_SEED.replace("docker run --rm", 'docker run --rm --user "$(id -u):$(id -g)"')
    result = shell(script, cwd=root, home=root / "home")
    assert result.returncode == 0, result.stderr
    written = list((root / "sec" / "policies").iterdir())
    assert written and all(p.stat().st_uid == os.getuid() for p in written)
    home = docker_run("--user", f"{OTHER_UID}:{OTHER_UID}", "--entrypoint", "sh",
                      "sec-provisioner:small", "-c", 'echo "$HOME"; test -w "$HOME"')  # fmt: skip
    assert home.returncode == 0 and home.stdout.strip() == "/home/secuser", home.stderr


def test_an_unwritable_mount_is_one_clear_message(images: None, tmp_path: Path) -> None:
    root = seed_layout(tmp_path / "seed")
    script = SEC_SEED.replace("sec/policies:/app/policies", "sec/policies:/app/policies:ro")
    result = shell(script, cwd=root, home=root / "home")
    assert result.returncode == 2
    assert result.stderr.startswith("error: /app/policies") and "Traceback" not in result.stderr
    assert list((root / "sec" / "policies").iterdir()) == []


# -- the tier cap ------------------------------------------------------------------------------
def test_a_tier_mismatch_names_the_image_to_use(images: None, tmp_path: Path) -> None:
    root = seed_layout(tmp_path / "seed")
    ml = ML_SEED.replace("{your-config-filename}.yaml", PROFESSIONAL).replace(
        "{starter|professional|enterprise}", "starter"
    )
    refused = shell(ml, cwd=root, home=root / "home")
    assert refused.returncode == 2
    assert refused.stderr.endswith("run it with ml-provisioner:professional\n"), refused.stderr
    higher = shell(ml.replace("IMAGE=starter", "IMAGE=enterprise"), cwd=root, home=root / "home")
    assert higher.returncode == 0, higher.stderr  # a lower tier works
    sec = SEC_SEED.replace("sec-provisioner:medium-10", "sec-provisioner:medium-4")
    too_many = shell(sec, cwd=root, home=root / "home")
    assert too_many.returncode == 2
    assert "(sec-provisioner:medium-4): it has 5 teams, the image takes 4" in too_many.stderr
    assert list((root / "sec" / "policies").iterdir()) == []


# -- one whole AWS lifecycle from the containers, against the emulator on the host ------------
@pytest.fixture
def emulator_cloud(emulator: Any) -> Iterator[Any]:
    emulator.reset()
    yield emulator
    emulator.reset()


def test_an_aws_lifecycle_from_the_containers(
    images: None, emulator_cloud: Any, tmp_path: Path
) -> None:
    """bootstrap → SEC stacks → the ML use case's deploy, status and delete, with the
    credentials of a profile in the mounted ~/.aws, as a uid the image does not know."""
    import boto3

    work = tmp_path / "work"
    shutil.copytree(EXAMPLES, work / "configs")
    for config in (work / "configs").glob("*.yaml"):
        use_account(config, EMULATOR_ACCOUNT)
    (work / "reports").mkdir()
    (work / "reports").chmod(0o777)
    home = fake_home(tmp_path)

    def run(tool: str, image: str, config: str, *action: str) -> subprocess.CompletedProcess[str]:
        return docker_run(
            "--network", "host", "--user", f"{OTHER_UID}:{OTHER_UID}",
            "-v", f"{home / '.aws'}:/home/{tool}user/.aws:ro",
            "-v", f"{work / 'configs'}:/app/configs:ro", "-v", f"{work / 'reports'}:/app/reports",
            "-e", "AWS_PROFILE=emulator", "-e", f"AWS_ENDPOINT_URL={emulator_cloud.url}",
            image, "-con", config, "-act", *action,
        )  # fmt: skip

    sec = "techcorp-prod-a001-us-west-2-sec.yaml"
    for step in (
        ("bootstrap", "--force", "--allow-broadening"),
        ("deploy", "--force", "--allow-broadening"),
    ):
        done = run("sec", "sec-provisioner:small", sec, *step)
        assert done.returncode == 0, f"{step}: {done.stdout}\n{done.stderr}"
    deployed = run(
        "ml", "ml-provisioner:starter", ML_CONFIG, "deploy", "--force", "--allow-broadening"
    )
    assert deployed.returncode == 0, deployed.stdout + deployed.stderr
    cloudformation = boto3.client(
        "cloudformation", endpoint_url=emulator_cloud.url, region_name="us-west-2",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    )  # fmt: skip
    stacks = {s["StackName"]: s["StackStatus"] for s in cloudformation.describe_stacks()["Stacks"]}
    ml_stack = next(name for name in stacks if "customer-churn" in name)
    assert stacks[ml_stack] == "CREATE_COMPLETE"
    status = run("ml", "ml-provisioner:starter", ML_CONFIG, "status")
    assert status.returncode == 0 and f"{ml_stack}: CREATE_COMPLETE" in status.stdout
    deleted = run("ml", "ml-provisioner:starter", ML_CONFIG, "delete", "--force",
                  "--disable-termination-protection")  # fmt: skip
    assert deleted.returncode == 0, deleted.stdout + deleted.stderr
    left = {s["StackName"] for s in cloudformation.describe_stacks()["Stacks"]}
    assert ml_stack not in left and len(left) == len(stacks) - 1
    reports = {p.name for p in (work / "reports").iterdir()}
    assert {f"{ML_CONFIG.removesuffix('.yaml')}-{a}.json" for a in ("deploy", "delete")} <= reports
