"""Smoke checks after a test-deploy: every resource read back through its own service's API
and compared with what the template declared, where the declaration is a literal.

Each type's check is in its record (resource_types/); this runs them with the gateway's reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from provisioner.deploy.errors import AwsFailure
from provisioner.deploy.gateway import AwsGateway
from provisioner.deploy.service_reads import ServiceReads
from provisioner.deploy.target import StackTemplate
from provisioner.resource_types.registry import BY_CFN_TYPE
from provisioner.resource_types.smoke import Declared, SmokeMismatch


@dataclass(frozen=True)
class SmokeResult:
    stack: str
    logical_id: str
    type: str
    physical_id: str
    ok: bool
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {
            "stack": self.stack, "logical_id": self.logical_id, "type": self.type,
            "physical_id": self.physical_id, "ok": self.ok, "detail": self.detail,
        }  # fmt: skip


def smoke_check(gateway: AwsGateway, template: StackTemplate) -> list[SmokeResult]:
    physical = {r.logical_id: r.physical_id for r in gateway.stack_resources(template.stack_name)}
    reads = ServiceReads(gateway)
    results = []
    for logical_id, body in sorted(template.document.get("Resources", {}).items()):
        kind = body["Type"]
        declared = Declared(logical_id, kind, physical.get(logical_id, ""),
                            body.get("Properties", {}), physical)  # fmt: skip
        record = BY_CFN_TYPE.get(kind)
        if record is None:
            missing = "no smoke check for this type"
            result = SmokeResult(
                template.stack_name, logical_id, kind, declared.physical_id, False, missing
            )
            results.append(result)
            continue
        try:
            ok, detail = True, record.smoke(reads, declared)
        except (SmokeMismatch, AwsFailure) as problem:
            ok, detail = False, str(problem)
        results.append(SmokeResult(template.stack_name, logical_id, kind, declared.physical_id,
                                   ok, detail))  # fmt: skip
    return results
