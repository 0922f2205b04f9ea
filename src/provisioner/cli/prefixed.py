"""Output of configs that run at the same time: each line whole, and marked with its config."""

from __future__ import annotations

import io
import threading
from typing import TextIO


class LineStream(io.TextIOBase):
    """A text stream that hands on each complete line (`lines`), keeping a partial one until
    it ends or the stream is flushed."""

    def __init__(self) -> None:
        super().__init__()
        self._partial = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        lines = (self._partial + text).split("\n")
        self._partial = lines.pop()
        if lines:
            self.lines(lines)
        return len(text)

    def flush(self) -> None:
        if self._partial:
            self.write("\n")

    def lines(self, lines: list[str]) -> None:
        raise NotImplementedError


class PrefixedLines(LineStream):
    """Each complete line to `target` as `[{label}] line`, under a lock shared by every config
    of the run, so lines of two configs never interleave."""

    def __init__(self, target: TextIO, label: str, lock: threading.Lock) -> None:
        super().__init__()
        self._target = target
        self._label = label
        self._lock = lock

    def lines(self, lines: list[str]) -> None:
        with self._lock:
            for line in lines:
                self._target.write(f"[{self._label}] {line}\n")
            self._target.flush()
