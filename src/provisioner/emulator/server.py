"""Starting moto's server on loopback with the project's extensions loaded."""

from __future__ import annotations

import urllib.request
from types import TracebackType

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from moto.server import ThreadedMotoServer
from werkzeug.serving import make_server

from provisioner.emulator import faults
from provisioner.emulator.extensions import install


class _QuietRequestHandler(MotoRequestHandler):
    """werkzeug logs one access line per request (hundreds per deploy): only server errors
    (5xx) are logged, with their tracebacks (log_error, untouched)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if str(code).startswith("5"):
            super().log_request(code, size)


class _QuietMotoServer(ThreadedMotoServer):
    """moto's ThreadedMotoServer, whose request handler is fixed, with the quiet one."""

    def _server_entry(self) -> None:
        app = DomainDispatcherApplication(create_backend_app)
        self._server = make_server(self._ip_address, self._port, app, True,
                                   request_handler=_QuietRequestHandler)  # fmt: skip
        self._server_ready_event.set()
        self._server.serve_forever()


class Emulator:
    """moto's threaded server on 127.0.0.1 (port 0: a free one), extensions installed.
    `verbose` logs every request (werkzeug's access log); by default only errors show."""

    def __init__(self, port: int = 0, host: str = "127.0.0.1", verbose: bool = False) -> None:
        install()
        faults.install()
        server = ThreadedMotoServer if verbose else _QuietMotoServer
        self._server = server(ip_address=host, port=port, verbose=False)
        self._started = False

    def start(self) -> Emulator:
        self._server.start()
        self._started = True
        return self

    @property
    def url(self) -> str:
        _, port = self._server.get_host_and_port()
        # `localhost`, not the IP: moto misparses TemplateURL http://127.0.0.1:PORT/bucket/key
        return f"http://localhost:{port}"

    def reset(self) -> None:
        """Forget every resource (cheaper than a restart: ~0.5 s per stop)."""
        request = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=10):
            pass

    def stop(self) -> None:
        if self._started:
            self._server.stop()
            self._started = False

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()
