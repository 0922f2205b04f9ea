"""Which statement of a tool's operator policy each action of its resource types joins.

A tool's statements (Sids, resource patterns, conditions) are its own layout; the actions come
from the types it plans: each type's handler actions from the committed permissions table
(resource_types/permission_table.py), and the seed's actions for the statements the seed
gives that type, both routed by the type's `StatementGrant`:

- role writes and `iam:PassRole` are the guardrails' (policy/guardrails.py): conditioned
  statements of the tool's own, so they join no type statement;
- an action of another service (a pipeline reads the role it passes) is granted where that
  service's type is, which must be planned and list it;
- an action IAM cannot scope joins the type's unscoped statement, on "*"; one IAM authorizes
  before the resource exists (policy/unscopable.py) joins it too, under its conditions;
- an S3 object permission joins the type's object statement;
- every other action joins the type's scoped statement(s).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from provisioner.policy.guardrails import CONDITIONED_ROLE_ACTIONS
from provisioner.policy.unscopable import STAR_WITH_CONDITION, UNSCOPABLE_ACTIONS
from provisioner.resource_types.permission_table import handler_actions
from provisioner.resource_types.record import ResourceType, StatementGrant

# S3 permissions whose IAM resource is an object, not the bucket.
S3_OBJECT_PERMISSIONS = frozenset(
    {"s3:deleteobject", "s3:getobject", "s3:getobjectversion", "s3:putobject", "s3:putobjectacl"}
)
_GUARDED = frozenset(a.lower() for a in (*CONDITIONED_ROLE_ACTIONS, "iam:PassRole"))

GrantOf = Callable[[ResourceType], StatementGrant | None]


def route(action: str, record: ResourceType, grant: StatementGrant) -> tuple[str, ...]:
    """The Sids `action`, needed for a resource of `record`'s type, joins."""
    lowered = action.lower()
    if lowered in _GUARDED or action.split(":", 1)[0] != record.service:
        return ()
    if action in UNSCOPABLE_ACTIONS or action in STAR_WITH_CONDITION:
        if grant.unscoped_sid is None:
            raise ValueError(f"{record.cfn_type}: {action} needs an unscoped statement")
        scoped = () if action in UNSCOPABLE_ACTIONS else (grant.sid, *grant.also)
        return (*scoped, grant.unscoped_sid)
    if lowered in S3_OBJECT_PERMISSIONS:
        if grant.objects_sid is None:
            raise ValueError(f"{record.cfn_type}: {action} needs an object statement")
        return (grant.objects_sid,)
    return (grant.sid, *grant.also)


class GrantedActions:
    """Sid → the actions the planned types bring to it; a tool's layout takes each Sid's."""

    def __init__(
        self,
        planned: Iterable[ResourceType],
        grant_of: GrantOf,
        seed: Mapping[str, Sequence[str]],
    ) -> None:
        """`planned`: the types the config's tier holds; `grant_of`: the tool's grant of a
        type; `seed`: the seed's statements (Sid → actions), the floor. A seed statement
        that no planned type's grant names is either the tool's own (no type's at all: stack
        actions, template uploads) or of a tier not planned."""
        self._by_sid: dict[str, list[str]] = {}
        self._foreign: list[tuple[ResourceType, str]] = []
        types = [(t, g) for t in planned if (g := grant_of(t)) is not None]
        for record, grant in types:
            for action in handler_actions(record.cfn_type):
                self._add(action, record, grant)
        for sid, actions in seed.items():
            claimant = next(((t, g) for t, g in types if sid in g.sids), None)
            if claimant is not None:
                for action in actions:
                    self._add(action, *claimant)
        own = {a for t, g in types for a in handler_actions(t.cfn_type) if route(a, t, g)}
        missing = [(t, a) for t, a in self._foreign if a not in own]
        if missing:
            raise ValueError(
                "actions on another service's resources that no planned type grants: "
                + ", ".join(f"{a} ({t.cfn_type})" for t, a in missing)
            )

    def _add(self, action: str, record: ResourceType, grant: StatementGrant) -> None:
        sids = route(action, record, grant)
        if not sids and action.lower() not in _GUARDED:
            self._foreign.append((record, action))
        for sid in sids:
            self._by_sid.setdefault(sid, [])
            if action not in self._by_sid[sid]:
                self._by_sid[sid].append(action)

    def take(self, sid: str) -> tuple[str, ...]:
        """The actions of statement `sid` (none when no planned type has it), once."""
        return tuple(self._by_sid.pop(sid, ()))

    def check_all_taken(self) -> None:
        """A type granting into a Sid the tool lays out no statement for is a wiring error."""
        if self._by_sid:
            raise ValueError(f"no statement laid out for {sorted(self._by_sid)}")
