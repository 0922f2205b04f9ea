"""Fault injection and request counting in front of the emulator, for tests and benchmarks.

Not a moto gap: real AWS throttles and fails on its own, the emulator needs to be told to.
Faults are queued per API action (`Throttling` three times on DescribeStackEvents, a 503 on
ExecuteChangeSet…) and each is served once in place of the real answer. Requests are counted
per action, so a benchmark can tell how many calls a deploy made, whatever client made them.

Both are reachable in-process (`FAULTS`, `REQUESTS`) and over HTTP, for clients in other
processes: `POST /_emulator/faults` with `[{"action", "status", "code", "count"}]`,
`GET /_emulator/requests`, `POST /_emulator/requests/reset`.
"""

from __future__ import annotations

import io
import json
import secrets
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from moto.moto_server.werkzeug_app import DomainDispatcherApplication

StartResponse = Callable[..., Any]


@dataclass
class Fault:
    action: str  # the API action, e.g. DescribeStackEvents; "*" for any
    status: int = 400
    code: str = "Throttling"
    count: int = 1
    message: str = "Rate exceeded"


class FaultPlan:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, *faults: Fault) -> None:
        with self._lock:
            self._faults.extend(faults)

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def take(self, action: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.action in (action, "*") and fault.count > 0:
                    fault.count -= 1
                    if fault.count == 0:
                        self._faults.remove(fault)
                    return fault
        return None


FAULTS = FaultPlan()
REQUESTS: Counter[str] = Counter()
_requests_lock = threading.Lock()


def _action(environ: dict[str, Any]) -> tuple[str, bool]:
    """The API action of a request, and whether it speaks the JSON protocol."""
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target:
        return target.rsplit(".", 1)[-1], True
    query = parse_qs(environ.get("QUERY_STRING", ""))
    if "Action" in query:
        return query["Action"][0], False
    length = environ.get("CONTENT_LENGTH")
    content_type = environ.get("CONTENT_TYPE", "")
    if length and "x-www-form-urlencoded" in content_type:
        body = environ["wsgi.input"].read(int(length))
        environ["wsgi.input"] = io.BytesIO(body)
        form = parse_qs(body.decode("utf-8", "replace"))
        if "Action" in form:
            return form["Action"][0], False
    return f"{environ.get('REQUEST_METHOD', '')} {environ.get('PATH_INFO', '')}", False


def _error(fault: Fault, json_protocol: bool, start_response: StartResponse) -> list[bytes]:
    reason = {400: "Bad Request", 500: "Internal Server Error", 503: "Service Unavailable"}
    status = f"{fault.status} {reason.get(fault.status, 'Error')}"
    if json_protocol:
        body = json.dumps({"__type": fault.code, "message": fault.message}).encode()
        headers = [("Content-Type", "application/x-amz-json-1.1")]
    else:
        kind = "Sender" if fault.status < 500 else "Receiver"
        body = (
            f"<ErrorResponse><Error><Type>{kind}</Type><Code>{fault.code}</Code>"
            f"<Message>{fault.message}</Message></Error><RequestId>fault</RequestId>"
            "</ErrorResponse>"
        ).encode()
        headers = [("Content-Type", "text/xml")]
    # AWS names the request in every answer, errors too; the CLIs take one without for a web
    # server that is not AWS.
    headers.append(("x-amzn-RequestId", f"fault-{secrets.token_hex(8)}"))
    start_response(status, [*headers, ("Content-Length", str(len(body)))])
    return [body]


def _control(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    path = environ.get("PATH_INFO", "")
    method = environ.get("REQUEST_METHOD", "GET")
    payload: Any = {}
    if path == "/_emulator/faults" and method == "POST":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = json.loads(environ["wsgi.input"].read(length) or b"[]")
        FAULTS.add(*(Fault(**item) for item in raw))
    elif path == "/_emulator/requests" and method == "GET":
        with _requests_lock:
            payload = dict(REQUESTS)
    elif path == "/_emulator/requests/reset" and method == "POST":
        with _requests_lock:
            REQUESTS.clear()
    else:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"unknown emulator control path"]
    body = json.dumps(payload).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]


def install() -> None:
    original = DomainDispatcherApplication.__call__
    if getattr(original, "__wrapped__", None):
        return

    def __call__(self: Any, environ: dict[str, Any], start_response: StartResponse) -> Any:
        if environ.get("PATH_INFO", "").startswith("/_emulator/"):
            return _control(environ, start_response)
        if environ.get("PATH_INFO", "").startswith("/moto-api"):
            return original(self, environ, start_response)
        action, json_protocol = _action(environ)
        with _requests_lock:
            REQUESTS[action] += 1
        fault = FAULTS.take(action)
        if fault is not None:
            return _error(fault, json_protocol, start_response)
        return original(self, environ, start_response)

    __call__.__wrapped__ = original  # type: ignore[attr-defined]
    DomainDispatcherApplication.__call__ = __call__  # type: ignore[method-assign]
