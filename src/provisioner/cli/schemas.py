"""The published JSON Schemas of `--output json`: one per action of each tool, generated from
the result models, plus the envelope every document of either tool has, and the saved plan
file of show-changes --save-plan.

They are committed under docs/schemas/ (scripts/regen-schemas rewrites them) and a test fails
when they differ from the models, so every change to the output is a reviewed diff.
Run: python -m provisioner.cli.schemas DIRECTORY
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from provisioner.cli import ml, sec
from provisioner.cli.shell import actions_of
from provisioner.cli.tool import ActionSpec, Tool
from provisioner.deploy.saved_plan import PLAN_SCHEMA_VERSION, SavedPlan
from provisioner.files import write_files
from provisioner.results.base import Result
from provisioner.results.document import SCHEMA_VERSION, Document
from provisioner.results.estate import EstateDocument

TOOLS: tuple[Tool, ...] = (ml.TOOL, sec.TOOL)
ENVELOPE = f"document.v{SCHEMA_VERSION}.json"
ESTATE = f"estate.v{SCHEMA_VERSION}.json"  # a run over several configs (docs/estate.md)
SAVED_PLAN = f"saved-plan.v{PLAN_SCHEMA_VERSION}.json"
_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_ABOUT = "What each field means, and when the version changes: docs/output-json.md."


def schema_file(prog: str, action: str) -> str:
    """The schema of the documents whose `tool` is `prog` and `action` is `action`."""
    return f"{prog}-{action}.v{SCHEMA_VERSION}.json"


def _schema(result: type[Result], title: str) -> dict[str, Any]:
    # What is printed: every field is always there, null where it has no value.
    generated = Document[result].model_json_schema(mode="serialization")  # type: ignore[valid-type]
    described = {"title": title, "description": f"{Document.__doc__} {_ABOUT}"}
    return {"$schema": _DIALECT, **generated, **described}


def action_schema(prog: str, spec: ActionSpec) -> dict[str, Any]:
    schema = _schema(
        spec.result, f"{prog} --action {spec.name} --output json (schema_version {SCHEMA_VERSION})"
    )
    properties = schema["properties"]
    # A document of one tool's action names both: pinned, so it cannot pass for another's.
    properties["tool"] = {**properties["tool"], "const": prog}
    properties["action"] = {**properties["action"], "const": spec.name}
    return schema


def published_schemas() -> dict[str, dict[str, Any]]:
    """File name → schema, for every action of both tools and the envelope."""
    schemas = {
        ENVELOPE: _schema(
            Result,
            f"the document of any action of ml-provisioner or sec-provisioner "
            f"(schema_version {SCHEMA_VERSION})",
        )
    }
    estate = EstateDocument.model_json_schema(mode="serialization")
    schemas[ESTATE] = {
        "$schema": _DIALECT,
        **estate,
        "title": f"a run over several configs, --output json (schema_version {SCHEMA_VERSION})",
        "description": f"{EstateDocument.__doc__} docs/estate.md.",
    }
    for tool in TOOLS:
        for spec in actions_of(tool):
            schemas[schema_file(tool.prog, spec.name)] = action_schema(tool.prog, spec)
    schemas[SAVED_PLAN] = _plan_schema()
    return schemas


def _plan_schema() -> dict[str, Any]:
    """The file show-changes --save-plan writes (docs/saved-plans.md): its own version."""
    generated = SavedPlan.model_json_schema(mode="serialization")
    return {
        "$schema": _DIALECT,
        **generated,
        "title": f"a saved plan of ml-provisioner or sec-provisioner (schema_version "
        f"{PLAN_SCHEMA_VERSION})",
        "description": f"{SavedPlan.__doc__} What each field means: docs/saved-plans.md.",
    }


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write_schemas(directory: Path) -> list[Path]:
    """Write every schema to `directory`, removing the .json files no action has any more."""
    files = {directory / name: render(schema) for name, schema in published_schemas().items()}
    stale = sorted(p for p in directory.glob("*.json") if p not in files)
    return write_files(files, stale)


def main(argv: Sequence[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if len(args) != 1:
        print("usage: python -m provisioner.cli.schemas DIRECTORY", file=sys.stderr)
        return 2
    for path in write_schemas(Path(args[0])):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
