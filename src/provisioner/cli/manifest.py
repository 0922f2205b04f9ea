"""The deploy-order manifest `create-template` writes beside the templates, and what it tells a
later run: which templates an earlier run of the same config wrote, so that those this run no
longer writes are removed with it (a SEC config shrunk from 12 teams to 5 leaves no
`…-teams-02-sec-stack.json` behind).

The manifest lives in `manifests/`, not `templates/`: every file in `templates/` is a
CloudFormation template, so `cfn-lint templates/*.json` (or any tool globbing the directory)
sees templates only.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

MANIFEST_DIRECTORY = "manifests"
TEMPLATE_DIRECTORY = "templates"
# Where releases before the manifests/ directory wrote it: read once more, then removed.
_LEGACY_MANIFEST = "{stem}-manifest.json"
# A template path as this tool writes it (a stack's, or its stack set's form:
# `{stack}-set.json`); anything else a manifest names is never removed.
_TEMPLATE_PATH = re.compile(rf"^{TEMPLATE_DIRECTORY}/[A-Za-z0-9][A-Za-z0-9.-]*-stack(-set)?\.json$")


# The manifest entry's fields that name a file it wrote: the stack's template, its stack set's
# form, and (a service-managed set's) its test-deploy canary's stack-set form.
MANIFEST_PATHS = ("template", "stack_set_template", "canary_stack_set_template")


def stack_set_template_path(stack: str) -> str:
    """Where create-template writes a stack's template as its stack set deploys it."""
    return f"{TEMPLATE_DIRECTORY}/{stack}-set.json"


def manifest_path(config_stem: str) -> str:
    """The manifest of a config, relative to the working directory."""
    return f"{MANIFEST_DIRECTORY}/{config_stem}-manifest.json"


def _legacy_manifest_path(config_stem: str) -> str:
    return f"{TEMPLATE_DIRECTORY}/{_LEGACY_MANIFEST.format(stem=config_stem)}"


def _templates_named(manifest: Path) -> set[str]:
    """The template paths a manifest lists; none if it is missing or unreadable (then nothing
    can be known of the run that wrote it, and nothing is removed on its word)."""
    try:
        stacks = json.loads(manifest.read_text(encoding="utf-8"))["stacks"]
        named = {str(entry[key]) for entry in stacks for key in MANIFEST_PATHS if key in entry}
    except (OSError, ValueError, KeyError, TypeError):
        return set()
    return {rel for rel in named if _TEMPLATE_PATH.match(rel)}


def stale_templates(root: Path, config_stem: str, written: set[str]) -> list[Path]:
    """What an earlier run of this config wrote and this run (writing `written`, paths
    relative to `root`) does not: its templates no longer planned, and its manifest at the
    legacy place. Only the config's own manifests are read, so another config's files are
    never touched (a config's file name is fixed by its fields, as are its stack names).
    """
    legacy = root / _legacy_manifest_path(config_stem)
    earlier = _templates_named(root / manifest_path(config_stem)) | _templates_named(legacy)
    stale = [root / rel for rel in sorted(earlier - written) if (root / rel).is_file()]
    if legacy.is_file():
        stale.append(legacy)
    return stale
