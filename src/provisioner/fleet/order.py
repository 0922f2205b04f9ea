"""The order of an estate run: within a tenant, its SEC stacks before its ML use cases (their
roles carry the tenant's boundary and belong to its teams); a delete runs the other way round.
Everything else is independent and may run at the same time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from provisioner.fleet.members import ML, SEC, Member

# Actions that change or read stacks in a tenant's order (deletes in reverse); the local
# actions and the read-only AWS ones have no order between configs.
ORDERED_ACTIONS = frozenset({"deploy", "show-changes"})
REVERSED_ACTIONS = frozenset({"delete"})


@dataclass(frozen=True)
class Step:
    member: Member
    after: tuple[int, ...]  # indices of the steps it waits for


def _needs(first: str, then: str, members: Sequence[Member]) -> Mapping[int, tuple[int, ...]]:
    """Each `then` member waits for every `first` member of its tenant."""
    firsts: dict[str, list[int]] = {}
    for index, member in enumerate(members):
        if member.tool == first and member.tenant is not None:
            firsts.setdefault(member.tenant, []).append(index)
    return {
        index: tuple(firsts.get(member.tenant, ()))
        for index, member in enumerate(members)
        if member.tool == then and member.tenant is not None
    }


def plan_steps(members: Sequence[Member], action: str) -> list[Step]:
    """The members as steps: what each waits for. show-changes has the deploy's order, so
    that its plan is the deploy's. A test-deploy needs nothing of another config's: its
    ML use case runs against the tenant's live SEC stacks, not against a SEC test-deploy."""
    if action in ORDERED_ACTIONS:
        needs = _needs(SEC, ML, members)
    elif action in REVERSED_ACTIONS:
        needs = _needs(ML, SEC, members)
    else:
        needs = {}
    return [Step(member, needs.get(index, ())) for index, member in enumerate(members)]


def waves(steps: Sequence[Step]) -> list[list[int]]:
    """The steps grouped by depth: a wave's steps wait only for earlier waves'."""
    depth = dict.fromkeys(range(len(steps)), 0)
    changed = True
    while changed:
        changed = False
        for index, step in enumerate(steps):
            level = 1 + max((depth[a] for a in step.after), default=-1)
            if level != depth[index]:
                depth[index], changed = level, True
    grouped: dict[int, list[int]] = {}
    for index in range(len(steps)):
        grouped.setdefault(depth[index], []).append(index)
    return [grouped[level] for level in sorted(grouped)]
