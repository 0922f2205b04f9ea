"""What every CloudFormation adapter over a moto backend shares.

moto finds CloudFormation types among the *direct* subclasses of `CloudFormationModel`, so an
adapter is `class X(Adapter, CloudFormationModel)`: the mixin brings the plumbing.
"""

from __future__ import annotations

from typing import Any, ClassVar

from provisioner.emulator.extensions._patch import replacement_refused


class Adapter:
    """A resource created through a moto backend, known by its physical name."""

    attributes: ClassVar[dict[str, str]] = {}  # CloudFormation attribute → instance attribute
    # Properties CloudFormation cannot change in place (the type's createOnlyProperties).
    create_only: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, name: str, account_id: str, region_name: str, **facts: Any) -> None:
        self.name = name
        self.account_id = account_id
        self.region_name = region_name
        self.facts = facts

    @property
    def physical_resource_id(self) -> str:
        return self.name

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr in cls.attributes

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        if attribute_name not in self.attributes:
            raise UnformattedGetAttTemplateException()
        return self.facts[self.attributes[attribute_name]]

    def is_created(self) -> bool:
        return True

    @property
    def properties(self) -> dict[str, Any]:
        """What the stack declared for this resource when it was last created or updated."""
        declared: dict[str, Any] = self.facts.get("properties", {})
        return declared

    def apply(self, properties: dict[str, Any]) -> bool:
        """Update in place to `properties`; False when this adapter cannot, and the resource
        must be replaced."""
        return False

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[no-untyped-def]
        cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name
    ):
        """In place, as CloudFormation does unless a create-only property changed; otherwise
        a replacement: the new resource first, then the old one goes."""
        new = cloudformation_json.get("Properties", {})
        old = original_resource.properties
        changed = {key for key in set(old) | set(new) if old.get(key) != new.get(key)}
        if not changed & cls.create_only and original_resource.apply(new):
            original_resource.facts["properties"] = new
            return original_resource
        name_property = cls.cloudformation_name_type()  # type: ignore[attr-defined]
        if name_property and new.get(name_property) == original_resource.name:
            # CloudFormation's own refusal: two resources cannot hold one custom name.
            raise replacement_refused(original_resource.name)
        replacement = cls.create_from_cloudformation_json(  # type: ignore[attr-defined]
            new_resource_name, cloudformation_json, account_id, region_name
        )
        original_resource.delete(account_id, region_name)
        return replacement

    @classmethod
    def delete_from_cloudformation_json(  # type: ignore[no-untyped-def]
        cls, resource_name, cloudformation_json, account_id, region_name
    ) -> None:
        cls(resource_name, account_id, region_name).delete(account_id, region_name)

    def delete(self, account_id: str, region_name: str) -> None:
        raise NotImplementedError


def camel(value: Any, *, keep_below: frozenset[str] = frozenset()) -> Any:
    """CloudFormation's PascalCase property shapes → the API's camelCase request shapes.
    Keys under `keep_below` (e.g. CodePipeline action `Configuration`) keep their case."""
    if isinstance(value, list):
        return [camel(v, keep_below=keep_below) for v in value]
    if not isinstance(value, dict):
        return value
    converted = {}
    for key, inner in value.items():
        new_key = key[:1].lower() + key[1:]
        converted[new_key] = inner if key in keep_below else camel(inner, keep_below=keep_below)
    return converted


def lower_tags(tags: list[dict[str, str]] | None) -> list[dict[str, str]]:
    return [{"key": t["Key"], "value": t["Value"]} for t in tags or []]
