"""The shared API budget of a run over many configs (fleet/budget.py) and the patience of a
stack that waits on slow resources (deploy/patience.py), on a clock the tests move."""

from __future__ import annotations

import pytest

from provisioner.deploy.patience import GRACE, LONGEST, patient_wait, typical_seconds
from provisioner.deploy.progress import Poller
from provisioner.fleet.budget import MIN_RATE, ApiBudget


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds > 0
        self.now += seconds


def budget(ceiling: float) -> tuple[ApiBudget, Clock]:
    clock = Clock()
    return ApiBudget(ceiling, clock=clock, sleep=clock.sleep), clock


def test_calls_are_spread_at_the_ceiling() -> None:
    limit, clock = budget(4.0)
    for _ in range(40):
        limit.acquire()
    # 40 calls at 4 a second: the first at once, the others a quarter second apart.
    assert clock.now - 100.0 == pytest.approx(39 / 4)
    assert limit.peak_per_second() == 4
    gaps = [b - a for a, b in zip(limit.taken, limit.taken[1:], strict=False)]
    assert min(gaps) == pytest.approx(0.25)


def test_throttling_halves_the_rate_and_answers_win_it_back() -> None:
    limit, _ = budget(8.0)
    limit.throttled()
    assert limit.rate == 4.0
    limit.throttled()
    assert limit.rate == 2.0
    for _ in range(10):
        limit.answered()
    assert limit.rate == pytest.approx(6.0)  # 1/20 of the ceiling back per answer
    for _ in range(100):
        limit.answered()
    assert limit.rate == 8.0  # never above the ceiling
    for _ in range(20):
        limit.throttled()
    assert limit.rate == MIN_RATE and limit.throttles == 22


def test_a_throttled_budget_spaces_calls_further() -> None:
    limit, clock = budget(10.0)
    limit.acquire()
    limit.throttled()  # 5 a second
    start = clock.now
    for _ in range(5):
        limit.acquire()
    assert clock.now - start == pytest.approx(1.0)


def test_a_rate_of_zero_is_refused() -> None:
    with pytest.raises(ValueError, match="above 0"):
        ApiBudget(0)


# -- patience --------------------------------------------------------------------------------
def test_a_resource_that_just_started_is_polled_at_the_usual_pace() -> None:
    assert patient_wait({}, 10.0) is None
    assert patient_wait({"Endpoint": ("AWS::EC2::VPCEndpoint", 10.0)}, 10.0 + GRACE - 0.1) is None


def test_a_slow_resource_in_progress_is_polled_less_often_near_its_time_faster() -> None:
    endpoint = typical_seconds("AWS::EC2::VPCEndpoint")
    assert endpoint >= 60  # minutes in AWS: the record says so
    slow = {"E": ("AWS::EC2::VPCEndpoint", 0.0)}
    assert patient_wait(slow, 10.0) == LONGEST
    assert patient_wait(slow, endpoint - 6.0) == 3.0  # half of what is left
    assert patient_wait(slow, endpoint - 1.0) is None  # about to end: the usual pace
    assert patient_wait(slow, endpoint + 2.0) is None  # just past it: still
    assert patient_wait(slow, endpoint + 20.0) == 5.0  # a quarter of the overrun
    assert patient_wait(slow, endpoint + 600.0) == LONGEST
    # A quick resource beside it, past its own time: the first expected to end sets the pace.
    both = {**slow, "P": ("AWS::SSM::Parameter", 0.0)}
    assert patient_wait(both, typical_seconds("AWS::SSM::Parameter") + 1) is None


def test_a_twenty_minute_stack_is_not_polled_a_thousand_times() -> None:
    """A stack waiting 20 minutes on one VPC endpoint, polled as follow() does in a run
    over many configs: a poll a second would be 1,200."""
    clock = Clock()
    poller = Poller(sleep=clock.sleep)
    started = clock.now
    in_progress = {"Endpoint": ("AWS::EC2::VPCEndpoint", started)}
    polls = 0
    while clock.now < started + 1200:
        polls += 1
        poller.wait(activity=False, patient=patient_wait(in_progress, clock.now))
    assert polls < 150
