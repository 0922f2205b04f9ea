"""How long a stack that waits on slow resources may go between polls, in a run over many
configs (whose polls share one API budget, fleet/budget.py).

A VPC endpoint takes minutes to create, an IAM role tens of seconds; polling such a stack
every second spends the run's budget on answers that cannot have changed. While a resource
has been in progress for a while, the next poll may wait for half the time it is still
expected to take, by its type's `typical_seconds` (resource_types/); once it is past that, a
quarter of the time it has overrun it by (the end of a resource slower than its kind is not
known: the later, the more patient). Never over `LONGEST`. Resources that finish within
`GRACE` seconds, as most do and as all do in the emulator, are polled as quickly as in a run
of one config, which sees the final event within a second.
"""

from __future__ import annotations

from collections.abc import Mapping

from provisioner.resource_types.registry import BY_CFN_TYPE

GRACE = 5.0  # seconds in progress before a resource's typical time is believed
LONGEST = 15.0  # seconds between polls, at most
_DEFAULT_SECONDS = 10.0


def typical_seconds(resource_type: str) -> float:
    record = BY_CFN_TYPE.get(resource_type)
    return record.typical_seconds if record is not None else _DEFAULT_SECONDS


def patient_wait(in_progress: Mapping[str, tuple[str, float]], now: float) -> float | None:
    """The longest wait before the next poll that cannot miss much, or None when polling
    should go on at its usual pace. `in_progress`: logical id → (type, when it started)."""
    if not in_progress:
        return None
    waits = []
    for resource_type, started in in_progress.values():
        elapsed = now - started
        if elapsed < GRACE:
            return None  # one that may end any moment: the usual pace
        remaining = typical_seconds(resource_type) - elapsed
        waits.append(remaining / 2 if remaining > 0 else -remaining / 4)
    wait = min(waits)  # the first expected to end sets the pace
    return min(LONGEST, wait) if wait > 1.0 else None
