"""Gap: a stack created or updated through a change set gets no Outputs (CREATE) or keeps the
old ones (UPDATE): moto applies the resources but never rebuilds the stack's template and
output map."""

from __future__ import annotations

from moto.cloudformation.models import ChangeSet


def install() -> None:
    original = ChangeSet.apply
    if getattr(original, "_rebuilds_outputs", False):
        return

    def apply(self: ChangeSet) -> None:
        original(self)
        stack = self.stack
        stack.template = self.template
        stack._parse_template()
        stack.description = stack.template_dict.get("Description")
        stack.output_map = stack._create_output_map()

    apply._rebuilds_outputs = True  # type: ignore[attr-defined]
    ChangeSet.apply = apply  # type: ignore[method-assign]
