"""The sandbox's own rate limit: at most ``rate`` requests per second from each client
address, over a sliding one-second window, as Vultr counts them."""

from __future__ import annotations

import math
import time
from collections import defaultdict, deque
from collections.abc import Callable


class PerClientLimit:
    """Admits a client's request, or says how many seconds it must wait (``Retry-After``)."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = max(1, math.floor(rate))
        self._clock = clock
        self._seen: defaultdict[str, deque[float]] = defaultdict(deque)

    def check(self, client: str) -> float:
        """0 and the request counts; or the seconds until the client may send again."""
        now = self._clock()
        seen = self._seen[client]
        while seen and now - seen[0] >= 1.0:
            seen.popleft()
        if len(seen) >= self.capacity:
            return seen[0] + 1.0 - now
        seen.append(now)
        return 0.0


def retry_after_header(wait: float) -> str:
    """Whole seconds, at least 1, as Vultr writes ``Retry-After``."""
    return str(max(1, math.ceil(wait)))
