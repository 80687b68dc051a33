"""Every request a sandbox received, for tests to assert on."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, overload

from .patterns import RoutePattern


@dataclass(slots=True)
class RecordedRequest:
    """One request as it arrived, and how the sandbox answered it.

    ``path`` is the full request path (``/v2/snapshots``); ``body`` the decoded JSON body
    (``None`` when there was none or it was not JSON; ``raw_body`` has the bytes). ``status``
    is the status answered, ``None`` when the connection was dropped; ``fault`` the kind of
    injected fault, if any.
    """

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    raw_body: bytes
    remote: str | None
    time: float = field(default_factory=time.time)
    status: int | None = None
    fault: str | None = None

    @property
    def body(self) -> Any:
        """The JSON body, or ``None``."""
        if not self.raw_body:
            return None
        try:
            return json.loads(self.raw_body)
        except ValueError:
            return None


class RequestLog:
    """Every :class:`RecordedRequest`, oldest first: indexable, sliceable and iterable like a
    list, with :meth:`matching` and :meth:`count` to pick requests by route."""

    def __init__(self) -> None:
        self._items: list[RecordedRequest] = []
        self._lock = threading.Lock()

    def append(self, request: RecordedRequest) -> None:
        """Record one request."""
        with self._lock:
            self._items.append(request)

    def matching(self, method: str = "*", path: str = "*") -> list[RecordedRequest]:
        """The requests whose method and path match, with the patterns of fault rules
        (``"POST", "/snapshots"``; ``"GET", "/snapshots/{id}"``)."""
        route = RoutePattern(method, path)
        return [item for item in self if route.matches(item.method, item.path)]

    def count(self, method: str = "*", path: str = "*") -> int:
        """How many requests matched (see :meth:`matching`)."""
        return len(self.matching(method, path))

    def clear(self) -> None:
        """Forget every recorded request."""
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[RecordedRequest]:
        with self._lock:
            return iter(list(self._items))

    @overload
    def __getitem__(self, index: int) -> RecordedRequest: ...

    @overload
    def __getitem__(self, index: slice) -> list[RecordedRequest]: ...

    def __getitem__(self, index: int | slice) -> RecordedRequest | list[RecordedRequest]:
        with self._lock:
            return self._items[index]

    def __bool__(self) -> bool:
        return bool(self._items)
