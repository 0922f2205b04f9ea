"""Checks every operator policy must pass, whichever tool and variant made it."""

from __future__ import annotations

from conftest import catalogue_entry
from provisioner.policy.document import PolicyDocument
from provisioner.policy.unscopable import STAR_WITH_CONDITION, UNSCOPABLE_ACTIONS


def assert_valid_and_scoped(policy: PolicyDocument) -> None:
    """Allows: IAM actions only, no wildcards; "*" only for actions IAM cannot scope (or the
    reviewed few it authorizes before the resource exists, under a condition). Denies may use
    wildcards only in the MFA statement's NotAction, each naming actions that exist."""
    for statement in policy.statements:
        if statement.is_allow:
            assert not statement.not_actions, statement.sid
            for action in statement.actions:
                assert "*" not in action and "?" not in action, action
                assert catalogue_entry(action) is not None, f"{action} is not an IAM action"
            if statement.is_unscoped:
                assert statement.resources == ("*",), statement.sid
                for action in statement.actions:
                    if action in STAR_WITH_CONDITION:
                        assert statement.condition, (statement.sid, action)
                        continue
                    assert action in UNSCOPABLE_ACTIONS, action
                    entry = catalogue_entry(action)
                    assert entry is not None and not entry.get("Resources"), (
                        f"{action} has resource types in IAM: scope it"
                    )
        else:
            for action in statement.actions:
                if "*" in action:
                    assert statement.not_actions and statement.sid == "DenyChangesWithoutMfa"
                    service = action.split(":")[0]
                    assert catalogue_entry(f"{service}:{action.split(':')[1].rstrip('*')}") or (
                        service in {a.split(":")[0] for a in policy.actions}
                    ), action
                else:
                    assert catalogue_entry(action) is not None, f"{action} is not an IAM action"
