"""create-report: the HTML and Markdown report written."""

from __future__ import annotations

from pydantic import Field

from provisioner.results.base import Result


class ReportWritten(Result):
    files: list[str] = Field(description="the files written: HTML, then Markdown")

    def text(self, config: str) -> list[str]:
        return [f"wrote {path}" for path in self.files]
