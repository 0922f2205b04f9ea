"""A stack's template as a stack set deploys it: one body for every target account and
region, so the config's own account and region become `${AWS::AccountId}` and
`${AWS::Region}` (pure).

The tool's templates name the account and region of the config literally (in ARNs, names,
conditions and SSM paths): deployed through a stack set as they are, every instance would
point at the config's account's resources. Here each string that holds either literal becomes
an `Fn::Sub` of itself with the pseudo parameters in their place, which CloudFormation
resolves to each instance's own account and region.

- Only where CloudFormation evaluates intrinsic functions: resource properties and outputs.
  The template's Description and Metadata are documentation and stay as they are.
- A string that was already an `Fn::Sub` has the literals replaced in its text, outside its
  `${…}` placeholders; in any other string a `${` CloudFormation would read as a placeholder
  is escaped (`${!`).
- Fails closed: a literal where no intrinsic can stand (a key, a parameter default, a mapping,
  a logical id in Ref or Fn::GetAtt, a resource's Condition or DependsOn) raises
  `NotNeutral`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from provisioner.cfn.template import render_json

Json = Any
ACCOUNT_ID = "${AWS::AccountId}"
REGION = "${AWS::Region}"
# Sections whose values CloudFormation evaluates; the rest may not hold intrinsics.
_EVALUATED = ("Resources", "Outputs")
_DOCUMENTATION = ("AWSTemplateFormatVersion", "Description", "Metadata")
# The keys of a resource or an output whose values are plain strings or names, never
# intrinsic functions.
_NOT_EVALUATED = {
    "Resources": ("Type", "Condition", "DependsOn", "DeletionPolicy", "UpdateReplacePolicy",
                  "Metadata"),
    "Outputs": ("Description", "Condition"),
}  # fmt: skip
_PLACEHOLDER = re.compile(r"\$\{[^}]*\}")
# Intrinsics whose arguments are logical ids, condition names, mapping keys or a region to
# list zones of: no Fn::Sub can stand there.
_NAMES_ONLY = frozenset(("Ref", "Fn::GetAtt", "Condition", "Fn::GetAZs", "Fn::FindInMap"))


class NotNeutral(ValueError):
    """The template names the config's account or region where no intrinsic may stand."""


class _Literals:
    def __init__(self, account: str, region: str) -> None:
        # Whole tokens only: an account id inside a longer number, or a region inside a
        # longer name, is something else.
        self.account = re.compile(rf"(?<![0-9A-Za-z]){re.escape(account)}(?![0-9A-Za-z])")
        self.region = re.compile(rf"(?<![0-9a-z]){re.escape(region)}(?![0-9])")

    def found_in(self, text: str) -> bool:
        return bool(self.account.search(text) or self.region.search(text))

    def replaced(self, text: str) -> str:
        return self.region.sub(REGION, self.account.sub(ACCOUNT_ID, text))

    def replaced_outside_placeholders(self, template: str) -> str:
        parts: list[str] = []
        last = 0
        for placeholder in _PLACEHOLDER.finditer(template):
            if placeholder.group().startswith("${!") and self.found_in(placeholder.group()):
                # `${!…}` is literal text CloudFormation writes as `${…}`
                raise NotNeutral(f"an escaped {placeholder.group()!r} names a literal")
            parts.append(self.replaced(template[last : placeholder.start()]))
            parts.append(placeholder.group())
            last = placeholder.end()
        parts.append(self.replaced(template[last:]))
        return "".join(parts)

    def refuse_in(self, value: Json, where: str) -> None:
        if self.found_in(json.dumps(value)):
            raise NotNeutral(f"{where} names the config's account or region literally")


def neutral_template(template: dict[str, Json], account: str, region: str) -> dict[str, Json]:
    """The template with the config's account and region as pseudo parameters."""
    literals = _Literals(account, region)
    neutral: dict[str, Json] = {}
    for section, value in template.items():
        if section in _EVALUATED:
            neutral[section] = {
                name: _entry(literals, body, f"{section}.{name}", _NOT_EVALUATED[section])
                for name, body in value.items()
            }
        elif section in _DOCUMENTATION:
            neutral[section] = value
        else:
            literals.refuse_in(value, section)
            neutral[section] = value
    return neutral


def neutral_body(body: str, account: str, region: str) -> str:
    """neutral_template of a rendered template, rendered the same way."""
    return render_json(neutral_template(json.loads(body), account, region))


def _entry(literals: _Literals, body: Json, where: str, not_evaluated: tuple[str, ...]) -> Json:
    if not isinstance(body, dict):
        return _value(literals, body, where)
    out: dict[str, Json] = {}
    for key, value in body.items():
        if key in not_evaluated:
            literals.refuse_in(value, f"{where}.{key}")
            out[key] = value
        else:
            out[key] = _value(literals, value, f"{where}.{key}")
    return out


def _value(literals: _Literals, value: Json, where: str) -> Json:
    if isinstance(value, str):
        if not literals.found_in(value):
            return value
        return {"Fn::Sub": literals.replaced(value.replace("${", "${!"))}
    if isinstance(value, list):
        return [_value(literals, item, f"{where}[{i}]") for i, item in enumerate(value)]
    if not isinstance(value, dict):
        literals.refuse_in(value, where)  # a number the account id is, for one
        return value
    if len(value) == 1 and "Fn::Sub" in value:
        return {"Fn::Sub": _sub(literals, value["Fn::Sub"], where)}
    if len(value) == 1 and set(value) & _NAMES_ONLY:
        literals.refuse_in(value, where)
        return value
    if list(value) == ["Fn::If"] and isinstance(value["Fn::If"], list) and value["Fn::If"]:
        condition, *branches = value["Fn::If"]
        literals.refuse_in(condition, f"{where}.Fn::If (its condition)")
        return {"Fn::If": [condition, *(_value(literals, b, f"{where}.Fn::If") for b in branches)]}
    if list(value) == ["Fn::Join"]:
        # Parts may make a literal only once joined: then no part can be given its Sub.
        joined = value["Fn::Join"]
        if isinstance(joined, list) and len(joined) == 2 and isinstance(joined[1], list):
            text = str(joined[0]).join(p for p in joined[1] if isinstance(p, str))
            parts_hold = any(isinstance(p, str) and literals.found_in(p) for p in joined[1])
            if literals.found_in(text) and not parts_hold:
                raise NotNeutral(f"{where}: an Fn::Join makes a literal from its parts")
    out: dict[str, Json] = {}
    for key, inner in value.items():
        literals.refuse_in(key, f"{where} (a key)")
        out[key] = _value(literals, inner, f"{where}.{key}")
    return out


def _sub(literals: _Literals, sub: Json, where: str) -> Json:
    if isinstance(sub, str):
        return literals.replaced_outside_placeholders(sub)
    if isinstance(sub, list) and len(sub) == 2 and isinstance(sub[0], str):
        if not isinstance(sub[1], dict):
            raise NotNeutral(f"{where}: an Fn::Sub whose variables are not a map")
        variables = sub[1]
        return [
            literals.replaced_outside_placeholders(sub[0]),
            {k: _value(literals, v, f"{where}.{k}") for k, v in variables.items()},
        ]
    raise NotNeutral(f"{where}: an Fn::Sub of an unexpected form")
