"""Progress of configs that run at the same time, on a terminal: one live line per running
config, redrawn in place below the lines that stay (what failed, and each config's end).

Off a terminal (a CI log, a pipe) every line is printed whole instead, marked with its config
(prefixed.py): a log must keep every line, and cursor movements would garble it.
"""

from __future__ import annotations

import shutil
import threading
from typing import TextIO

from provisioner.cli.prefixed import LineStream

# Lines that stay above the board rather than being replaced: what went wrong, and why.
_KEPT = ("error:", "FAILED", "reason:", "warning:", "interrupted")
_UP_AND_CLEAR = "\x1b[{n}F\x1b[J"  # cursor up n lines to their start, clear to the end


class LiveBoard:
    """The rows of the configs running now, kept last on the terminal; thread-safe."""

    def __init__(self, target: TextIO, lock: threading.Lock) -> None:
        self._target = target
        self._lock = lock
        self._rows: dict[str, str] = {}
        self._drawn = 0

    def _width(self) -> int:
        return max(40, shutil.get_terminal_size((100, 24)).columns - 1)

    def _clear(self) -> None:
        if self._drawn:
            self._target.write(_UP_AND_CLEAR.format(n=self._drawn))
            self._drawn = 0

    def _draw(self) -> None:
        width = self._width()
        label_width = max((len(label) for label in self._rows), default=0)
        for label, line in self._rows.items():
            row = f"{label:<{label_width}}  {line.strip()}"
            self._target.write((row if len(row) <= width else row[: width - 1] + "…") + "\n")
        self._drawn = len(self._rows)
        self._target.flush()

    def line(self, label: str, text: str) -> None:
        with self._lock:
            self._clear()
            if any(mark in text for mark in _KEPT):
                self._target.write(f"[{label}] {text}\n")
            if text.strip():
                self._rows[label] = text
            self._draw()

    def done(self, label: str) -> None:
        """The config ended: its row leaves the board, its last line stays above it."""
        with self._lock:
            self._clear()
            last = self._rows.pop(label, None)
            if last is not None:
                self._target.write(f"[{label}] {last.strip()}\n")
            self._draw()


class BoardLines(LineStream):
    """One config's text stream onto the board: each complete line replaces its row."""

    def __init__(self, board: LiveBoard, label: str) -> None:
        super().__init__()
        self._board = board
        self._label = label

    def lines(self, lines: list[str]) -> None:
        for line in lines:
            self._board.line(self._label, line)
