"""One API budget for every stack of a run: a token bucket on the calls that wait on
CloudFormation (the polls of a change set, a stack and its events), shared by all the configs
running at the same time, adaptive on throttling.

CloudFormation throttles an account's calls, not a client's: tens of stacks that each poll
as fast as one may would all be throttled, and botocore's retries then multiply the calls.
The bucket holds the run to `ceiling` calls a second (`--max-api-rate`). A throttled answer
halves the rate the bucket allows; every answer that is not one wins a little of it back,
up to the ceiling (additive increase, multiplicative decrease, as TCP and botocore's own
adaptive mode do per client).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

DEFAULT_MAX_API_RATE = 10.0  # calls a second: CloudFormation's describe calls, across the run
MIN_RATE = 0.5  # however throttled, a poll every two seconds still goes out
# The operations that poll while a change set, a stack operation or a drift detection runs.
# Only their calls made while waiting take a token (AwsGateway.polling): a stack's one-off
# reads (its state before a change, its outputs after) and the calls that make changes are a
# few per stack, bounded by --max-parallel, and are not held back.
WAITING_OPERATIONS = frozenset(
    {
        "cloudformation:DescribeStackEvents",
        "cloudformation:DescribeStacks",
        "cloudformation:DescribeChangeSet",
        "cloudformation:DescribeStackDriftDetectionStatus",
        "cloudformation:DescribeStackSetOperation",
        "cloudformation:ListStackSetOperationResults",
    }
)
THROTTLING_CODES = frozenset(
    {"Throttling", "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded"}
)


class ApiBudget:
    """A token bucket of `rate` tokens a second, holding one at most (no bursts: the calls
    are spread evenly); thread-safe."""

    def __init__(
        self,
        ceiling: float = DEFAULT_MAX_API_RATE,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if ceiling <= 0:
            raise ValueError("the API rate must be above 0")
        self.ceiling = ceiling
        self.rate = ceiling
        self._tokens = 1.0
        self._clock, self._sleep = clock, sleep
        self._last = clock()
        self._lock = threading.Lock()
        self.taken: list[float] = []  # when each call was let through
        self.throttles = 0

    def _refill(self, now: float) -> None:
        self._tokens = min(1.0, self._tokens + (now - self._last) * self.rate)
        self._last = now

    def acquire(self) -> None:
        """Wait until the budget allows one more call, then take it."""
        while True:
            with self._lock:
                now = self._clock()
                self._refill(now)
                if self._tokens >= 1:
                    self._tokens -= 1
                    self.taken.append(now)
                    return
                wait = (1 - self._tokens) / self.rate
            self._sleep(wait)

    def throttled(self) -> None:
        with self._lock:
            self.throttles += 1
            self.rate = max(MIN_RATE, self.rate / 2)

    def answered(self) -> None:
        with self._lock:
            self.rate = min(self.ceiling, self.rate + self.ceiling / 20)

    def peak_per_second(self) -> int:
        """The most calls let through within any one second of the run."""
        with self._lock:
            times = sorted(self.taken)
        peak, start = 0, 0
        for end, now in enumerate(times):
            while now - times[start] >= 1.0:
                start += 1
            peak = max(peak, end - start + 1)
        return peak
