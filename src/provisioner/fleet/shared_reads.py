"""Reads that every config of a run would make alike, made once for the run: whose account the
credentials act in (one GetCallerIdentity, not one per config), and which prerequisites are
in place (a tenant's trust root is read once, not once per use case).

Only what cannot change under the run is kept: the credentials' account, and prerequisites
found *present* (a run never removes a trust root it deploys against). A prerequisite found
missing is read again by the next config, which may run after the SEC config that makes it.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Hashable


class SharedReads:
    """Thread-safe. Configs asking for the same read at once wait for the first one's answer
    (a read is a few milliseconds): one call, however many configs start together."""

    def __init__(self) -> None:
        self._locks: defaultdict[Hashable, threading.Lock] = defaultdict(threading.Lock)
        self._guard = threading.Lock()
        self._accounts: dict[Hashable, str] = {}
        self._present: set[Hashable] = set()

    def _lock(self, key: Hashable) -> threading.Lock:
        with self._guard:
            return self._locks[key]

    def account(self, credentials: Hashable, read: Callable[[], str]) -> str:
        with self._lock(("account", credentials)):
            if credentials not in self._accounts:
                self._accounts[credentials] = read()
            return self._accounts[credentials]

    def present(self, where: Hashable, read: Callable[[], bool]) -> bool:
        with self._lock(("present", where)):
            if where in self._present:
                return True
            found = read()
            if found:
                self._present.add(where)
            return found
