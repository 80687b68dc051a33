"""The retry policy: what may be resent, how long to wait, and Retry-After parsing."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from ocp_vultr.retry import RetryPolicy
from ocp_vultr.status_errors import parse_retry_after


@pytest.mark.parametrize(
    ("idempotent", "status", "reached", "expected"),
    [
        # A request that never reached the server can always go again.
        (False, None, False, True),
        (True, None, False, True),
        # A 429 means the server did nothing: safe for any method.
        (False, 429, True, True),
        (True, 429, True, True),
        # A POST that may have reached the server is never resent.
        (False, None, True, False),
        (False, 500, True, False),
        (False, 502, True, False),
        (False, 503, True, False),
        (False, 504, True, False),
        # Idempotent requests: retried on 502/503/504 and lost answers, not on other statuses.
        (True, None, True, True),
        (True, 502, True, True),
        (True, 503, True, True),
        (True, 504, True, True),
        (True, 500, True, False),
        (True, 400, True, False),
        (True, 404, True, False),
    ],
)
def test_may_resend(idempotent: bool, status: int | None, reached: bool, expected: bool) -> None:
    assert (
        RetryPolicy.may_resend(idempotent=idempotent, status=status, reached_server=reached)
        is expected
    )


def test_backoff_is_full_jitter_under_a_growing_capped_ceiling() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=3.0)
    random.seed(4)
    for retry, ceiling in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 3.0), (10, 3.0)]:
        waits = [policy.backoff(retry) for _ in range(300)]
        assert all(0.0 <= w <= ceiling for w in waits)
        # Full jitter spreads over the whole range, not only near the ceiling.
        assert min(waits) < ceiling * 0.1
        assert max(waits) > ceiling * 0.9


def test_retry_after_wins_over_backoff() -> None:
    assert RetryPolicy(base_delay=0.01).backoff(1, retry_after=7.0) == 7.0


def test_defaults() -> None:
    policy = RetryPolicy()
    assert (policy.max_attempts, policy.base_delay, policy.max_delay) == (4, 0.5, 8.0)
    assert (policy.max_retry_after, policy.deadline) == (60.0, 120.0)


@pytest.mark.parametrize(
    "kwargs",
    [{"max_attempts": 0}, {"base_delay": -1}, {"max_delay": -1}, {"deadline": 0}],
)
def test_invalid_policies_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must"):
        RetryPolicy(**kwargs)  # type: ignore[arg-type]


def test_retry_after_in_seconds_and_as_http_date() -> None:
    now = datetime(2026, 11, 26, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("3", now=now) == 3.0
    assert parse_retry_after(" 1.5 ", now=now) == 1.5
    later = format_datetime(now + timedelta(seconds=42), usegmt=True)
    assert parse_retry_after(later, now=now) == 42.0
    earlier = format_datetime(now - timedelta(seconds=42), usegmt=True)
    assert parse_retry_after(earlier, now=now) == 0.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("") is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("-5", now=now) == 0.0
