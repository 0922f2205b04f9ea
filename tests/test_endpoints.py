"""What the AWS actions are pointed at, when it is not AWS: an endpoint URL that is no http(s)
URL, a web server that is not AWS, the emulator installed without its extra. Each gets one
message and exit code 2, never a traceback, and nothing is changed."""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import provisioner
from conftest import CliRunner

STARTER = "techcorp-prod-a001-us-west-2-customer-churn-ml-codecommit.yaml"
SEC_SMALL = "techcorp-dev-a001-us-west-2-sec.yaml"
ML_ACTIONS = [
    ["-act", "status"],
    ["-act", "show-changes"],
    ["-act", "deploy", "--force"],
    ["-act", "deploy", "--dry-run"],
    ["-act", "test-deploy"],
    ["-act", "detect-drift"],
    ["-act", "delete", "--force"],
]
SEC_ACTIONS = [["-act", "bootstrap", "--force"], ["-act", "status"], ["-act", "deploy", "--force"]]


@pytest.fixture
def offline_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def assert_one_message(result: object, *needles: str) -> None:
    code, out, err = result.code, result.out, result.err  # type: ignore[attr-defined]
    assert code == 2, (code, out, err)
    assert "Traceback" not in err and err.startswith("error: ") and err.count("\n") == 1, err
    for needle in needles:
        assert needle in err, (needle, err)


# -- endpoint URLs that are not http(s) URLs -------------------------------------------------
BAD_URLS = [
    "localhost:4566",
    "127.0.0.1:4566",
    "localhost",
    "ftp://localhost:4566",
    "file:///tmp/emulator",
    "s3://bucket",
    "http://",
    "https://:4566",
    "http://localhost:port",
    "http://[::1",
    "http://exa mple:4566",
]


@pytest.mark.parametrize("url", BAD_URLS)
@pytest.mark.parametrize("how", ["flag", "environment"])
def test_an_endpoint_that_is_no_http_url(
    run_ml: CliRunner, offline_credentials: None, monkeypatch: pytest.MonkeyPatch,
    workdir: Path, url: str, how: str,
) -> None:  # fmt: skip
    if how == "flag":
        extra = ["--endpoint-url", url]
    else:
        monkeypatch.setenv("AWS_ENDPOINT_URL", url)
        extra = []
    for action in ML_ACTIONS[:3]:
        result = run_ml("-con", STARTER, *action, *extra)
        assert_one_message(result, "http", "localhost:4566")
        assert ("--endpoint-url" in result.err) == (how == "flag")
        assert not (workdir / "reports").exists() or not list((workdir / "reports").iterdir())


def test_the_scheme_is_suggested_when_missing(run_ml: CliRunner, offline_credentials: None) -> None:
    result = run_ml("-con", STARTER, "-act", "status", "--endpoint-url", "localhost:4566")
    assert_one_message(result, "did you mean http://localhost:4566?")


# -- a web server that is not AWS ------------------------------------------------------------
class _Answer:
    status = 200
    content_type = "text/html"
    body = b"<html><body>It works!</body></html>"


class _Handler(http.server.BaseHTTPRequestHandler):
    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.send_response(_Answer.status)
        self.send_header("Content-Type", _Answer.content_type)
        self.send_header("Content-Length", str(len(_Answer.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(_Answer.body)

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _answer

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture(scope="module")
def web_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


ANSWERS = [
    (200, "text/html", b"<html><body>It works!</body></html>"),
    (200, "application/json", b"{}"),
    (200, "text/xml", b"<?xml version='1.0'?><root/>"),
    (200, "text/plain", b""),
    (301, "text/html", b"<html>Moved</html>"),
    (400, "text/html", b"<html>Bad Request</html>"),
    (403, "text/html", b"<html>Forbidden</html>"),
    (404, "text/html", b"<html><body>Not Found</body></html>"),
    (404, "application/json", b'{"message": "no such route"}'),
]


@pytest.mark.parametrize(("status", "content_type", "body"), ANSWERS,
                         ids=[f"{a[0]}-{a[1]}" for a in ANSWERS])  # fmt: skip
def test_an_endpoint_that_is_not_aws(
    run_ml: CliRunner, run_sec: CliRunner, offline_credentials: None, web_server: str,
    workdir: Path, status: int, content_type: str, body: bytes,
) -> None:  # fmt: skip
    _Answer.status, _Answer.content_type, _Answer.body = status, content_type, body
    runs = [(run_ml, STARTER, a) for a in ML_ACTIONS] + [
        (run_sec, SEC_SMALL, a) for a in SEC_ACTIONS
    ]
    for run, config, action in runs:
        result = run("-con", config, *action, "--endpoint-url", web_server)
        assert_one_message(result, f"{web_server} is not an AWS endpoint", f"HTTP {status}")
        assert content_type in result.err


# -- the emulator installed without its extra ------------------------------------------------
_BLOCK_MOTO = """
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "moto" or name.startswith("moto."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, Block())
from provisioner.emulator.__main__ import main
raise SystemExit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("argv", [[], ["--port", "0"], ["--help"]])
def test_the_emulator_without_its_extra(argv: list[str]) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(provisioner.__file__).parent.parent)}
    done = subprocess.run(
        [sys.executable, "-c", _BLOCK_MOTO, *argv], env=env, capture_output=True, text=True,
        timeout=60,
    )  # fmt: skip
    if argv == ["--help"]:  # help needs no moto
        assert done.returncode == 0 and "--port" in done.stdout, done.stderr
        return
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1, done.stderr
    assert "moto" in done.stderr and "pip install '.[local]'" in done.stderr
