"""create-seed-code: the model-build code written for the use case's repository."""

from __future__ import annotations

from pydantic import Field

from provisioner.results.base import Result


class SeedCodeWritten(Result):
    directory: str = Field(description="where the files are: push them to the repository")
    files: list[str] = Field(description="the files written")

    def text(self, config: str) -> list[str]:
        return [
            f"wrote {len(self.files)} files to {self.directory}/",
            "push them to the CodeCommit repository to run the pipeline (see its README.md)",
        ]
