"""When a failed attempt is sent again, and after how long.

Idempotent requests (GET, PUT, DELETE, or a tool the manifest marks idempotent) are retried on
429, 502, 503, 504, connection errors and timeouts. Any other request (a POST) is resent only
when it certainly did not take effect: after a 429, or when the connection never opened. Waits
grow exponentially with full jitter and honour ``Retry-After`` up to a cap; the number of
attempts and the total time per call are bounded.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How failed attempts are retried. ``max_attempts=1`` turns retrying off."""

    max_attempts: int = 4
    """Attempts per call, the first included."""
    base_delay: float = 0.5
    """Seconds; the n-th retry waits a random time in [0, min(max_delay, base_delay * 2**(n-1))]."""
    max_delay: float = 8.0
    """Seconds; the cap of one backoff wait."""
    max_retry_after: float = 60.0
    """Seconds; a longer ``Retry-After`` is not waited for: the call fails as rate limited."""
    deadline: float = 120.0
    """Seconds; the whole call (rate-limit waits, attempts and backoff) ends by then."""

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if min(self.base_delay, self.max_delay, self.max_retry_after) < 0:
            raise ValueError("retry delays must not be negative")
        if self.deadline <= 0:
            raise ValueError("deadline must be positive")

    def backoff(self, retry_number: int, retry_after: float | None = None) -> float:
        """Seconds to wait before retry ``retry_number`` (1 for the first retry).

        The server's ``Retry-After`` wins when given (the caller checks it against
        ``max_retry_after``); otherwise a random wait with full jitter.
        """
        if retry_after is not None:
            return retry_after
        ceiling = min(self.max_delay, self.base_delay * (2 ** (retry_number - 1)))
        return random.uniform(0.0, ceiling)

    @staticmethod
    def may_resend(*, idempotent: bool, status: int | None, reached_server: bool) -> bool:
        """Whether an attempt that failed this way may be sent again without risk of a duplicate.

        ``status`` is the answer's HTTP status, ``None`` when no answer came (timeout, dropped
        connection); ``reached_server`` whether the request may have reached the server.
        """
        if status == 429 or not reached_server:
            return True
        if not idempotent:
            return False
        return status is None or status in RETRYABLE_STATUSES
