"""Gap: moto parses every template with PyYAML's pure-Python loader and falls back to JSON only
when that fails. A JSON template is valid YAML, so it always takes the slow path: in a run of
many stacks, a third of the emulator's time went into parsing the same JSON templates as YAML
(at CreateChangeSet, again at ExecuteChangeSet and for the stack). CloudFormation itself reads
a template as JSON when it is JSON; this extension does the same, and leaves YAML templates
to moto's loader with its tag constructors (`!Ref`, `!Sub`…).

Only speed changes, for every client alike: the per-resource delay of the asynchronous mode
is untouched."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from moto.cloudformation.models import ChangeSet, Stack

Parse = Callable[[str], dict[str, Any]]


def _json_first(yaml_parse: Parse) -> Parse:
    def parse(template: str) -> dict[str, Any]:
        if template.lstrip().startswith("{"):
            try:
                parsed = json.loads(template)
            except ValueError:
                pass  # not JSON after all (a YAML flow mapping): moto's own reading decides
            else:
                if isinstance(parsed, dict):
                    return parsed
        return yaml_parse(template)

    parse._json_first = True  # type: ignore[attr-defined]
    return parse


def install() -> None:
    if getattr(Stack.parse_template, "_json_first", False):
        return
    parse = _json_first(Stack.parse_template)
    Stack.parse_template = staticmethod(parse)  # type: ignore[method-assign,assignment]

    def change_set_parse(self: ChangeSet) -> None:
        self.template_dict = parse(self.template)

    ChangeSet._parse_template = change_set_parse  # type: ignore[method-assign]
