"""Gap: moto's server answers requests on threads of its own, at the same time, but its
backends are not thread-safe: two CreateStack calls at once fail one of them with HTTP 500
("OrderedDict mutated during iteration", seen with sceptre launching a stack group in
parallel), and parallel SSM reads beside resource creation fail the same way. Each request is
answered under the lock the stack operations take (stack_operations.py), which they let go
while a resource "takes time": requests and operations interleave, never overlap."""

from __future__ import annotations

from typing import Any

from moto.moto_server.werkzeug_app import DomainDispatcherApplication

from provisioner.emulator.extensions.stack_operations import _lock


def install() -> None:
    original = DomainDispatcherApplication.__call__
    if getattr(original, "_serialized", False):
        return

    def __call__(self: Any, environ: dict[str, Any], start_response: Any) -> Any:
        with _lock:
            # moto builds the whole body inside the call: nothing is read after the lock.
            return list(original(self, environ, start_response))

    __call__._serialized = True  # type: ignore[attr-defined]
    DomainDispatcherApplication.__call__ = __call__  # type: ignore[method-assign]
