"""Starting moto's server on loopback with the project's extensions loaded."""

from __future__ import annotations

import errno
import socket
import threading
import urllib.request
from types import TracebackType

from provisioner.emulator.moto_version import check_moto

check_moto()  # before moto's private modules are imported and patched: say which moto it needs

from moto.moto_server.werkzeug_app import (  # noqa: E402
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from moto.server import ThreadedMotoServer  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from provisioner.emulator import faults  # noqa: E402
from provisioner.emulator.extensions import install  # noqa: E402


class _QuietRequestHandler(MotoRequestHandler):
    """werkzeug logs one access line per request (hundreds per deploy): only server errors
    (5xx) are logged, with their tracebacks (log_error, untouched)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if str(code).startswith("5"):
            super().log_request(code, size)


class PortInUseError(Exception):
    """The port asked for is taken: raised by `Emulator.start` at once (moto's own server,
    binding in its thread, prints werkzeug's message there and leaves the caller waiting)."""


def _listening_socket(host: str, port: int) -> socket.socket:
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # As werkzeug does: a port left in TIME_WAIT by an emulator just stopped can be reused.
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
        listener.listen(128)
    except OSError as exc:
        listener.close()
        if exc.errno == errno.EADDRINUSE:
            raise PortInUseError(f"port {port} on {host} is in use") from exc
        raise
    return listener


class _LoopbackServer(ThreadedMotoServer):
    """moto's ThreadedMotoServer, bound in the caller's thread (so a taken port fails the
    start) and with a choice of request handler (moto's logs every request)."""

    def __init__(self, host: str, port: int, handler: type[MotoRequestHandler]) -> None:
        super().__init__(ip_address=host, port=port, verbose=False)
        self._handler = handler

    def start(self) -> None:
        listener = _listening_socket(self._ip_address, self._port)
        try:
            app = DomainDispatcherApplication(create_backend_app)
            # werkzeug serves a duplicate of the bound socket's descriptor.
            self._server = make_server(self._ip_address, self._port, app, True,
                                       request_handler=self._handler,
                                       fd=listener.fileno())  # fmt: skip
        finally:
            listener.close()
        self._server_ready_event.set()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()


class Emulator:
    """moto's threaded server on 127.0.0.1 (port 0: a free one), extensions installed.
    `verbose` logs every request (werkzeug's access log); by default only errors show."""

    def __init__(self, port: int = 0, host: str = "127.0.0.1", verbose: bool = False) -> None:
        check_moto()
        install()
        faults.install()
        handler = MotoRequestHandler if verbose else _QuietRequestHandler
        self._server = _LoopbackServer(host, port, handler)
        self._started = False

    def start(self) -> Emulator:
        """Serve in a background thread; PortInUseError at once if the port is taken."""
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
