"""The template of a resource import: only the resources to import, as the full template
declares them (pure).

CloudFormation imports into a new stack only resources that the template declares and the
import names, each with its DeletionPolicy; nothing is created. A property that refers to a
resource not imported (by Ref, Fn::GetAtt) cannot be resolved then, so it is left out here: the
update with the full template that follows the import sets it. Outputs are left out for the
same reason; the update adds them.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from provisioner.cfn.intrinsics import referenced_ids


def import_template(document: dict[str, Any], imported: Collection[str]) -> dict[str, Any]:
    resources: dict[str, Any] = document.get("Resources", {})
    kept: dict[str, Any] = {}
    for logical_id in sorted(imported):
        body = dict(resources[logical_id])
        properties = body.get("Properties") or {}
        body["Properties"] = {
            key: value
            for key, value in properties.items()
            if referenced_ids(value) <= set(imported)
        }
        body.pop("DependsOn", None)  # what it waits for is not in this template
        kept[logical_id] = body
    template: dict[str, Any] = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": kept}
    if "Description" in document:
        template["Description"] = document["Description"]
    return template
