"""The file names operator policies are written under (create-policy, export-iam-policy), in one
place: the CLI writes these files and the reports name them.

`policies/{config stem}{variant infix}-iam-policy.json`, or `-1.json`, `-2.json`, … when IAM's
managed-policy size limit splits the document into parts to attach together.
"""

from __future__ import annotations

from provisioner.policy.document import PolicyDocument, split_to_fit
from provisioner.policy.variants import Variant

POLICY_DIRECTORY = "policies"


def variant_file_stem(config_stem: str, variant: Variant) -> str:
    return f"{config_stem}{variant.file_infix}-iam-policy"


def policy_files(file_stem: str, policy: PolicyDocument) -> dict[str, PolicyDocument]:
    """File name (within POLICY_DIRECTORY) → the part of `policy` it holds, in order."""
    parts = split_to_fit(policy)
    if len(parts) == 1:
        return {f"{file_stem}.json": parts[0]}
    return {f"{file_stem}-{i}.json": part for i, part in enumerate(parts, 1)}
