"""Fault injection: make the sandbox misbehave on purpose, on one route, a given number of times.

Off unless asked for. A test adds a rule; the next ``times`` matching requests get the fault,
then the rule is spent::

    sb.faults.add("POST", "/snapshots", Fault.status(503))            # next POST: 503
    sb.faults.add("GET", "/snapshots/{id}", Fault.rate_limited(None), times=2)
    sb.faults.add("*", "/snapshots*", Fault.delay(5.0), times=None)   # every request, for good

``method`` and ``path`` are a :class:`~ocp_vultr.sandbox.patterns.RoutePattern`: the path
without the ``/v2`` prefix (optional), ``*`` or ``{name}`` for any one segment, a trailing ``*``
for any rest.

Each :class:`Fault` is either answered *instead of* the request (``performed=False``: the
sandbox does nothing, as when a proxy or a rate limiter refuses), or *after* it
(``performed=True``: the sandbox carries the request out, so a snapshot is created, and the
fault then shapes, delays or drops the answer). The defaults follow what the fault stands for.

=====================  ==============================================================  =========
constructor            answer                                                          performed
=====================  ==============================================================  =========
``status(code)``       ``code`` with Vultr's JSON error body ``{"error", "status"}``     no
``rate_limited(s)``    429 with ``Retry-After: s`` (``None``: no header)                no
``html(code)``         ``code`` (default 502) with a proxy's HTML page, not JSON         no
``delay(seconds)``     the normal answer, ``seconds`` late                               yes
``drop()``             the body is read, then the connection is closed unanswered        yes
``malformed_json()``   the success status with a cut-off JSON body                       yes
``wrong_content_type`` the success status and body labelled ``text/html``                yes
``schema_violation``   the success status with a JSON body its schema rejects            yes
``oversized(size)``    the success status with a valid JSON body of ``size`` bytes       yes
=====================  ==============================================================  =========
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .patterns import RoutePattern


class FaultKind(StrEnum):
    """What a fault does to the answer."""

    STATUS = "status"
    HTML = "html"
    DELAY = "delay"
    DROP = "drop"
    MALFORMED_JSON = "malformed_json"
    WRONG_CONTENT_TYPE = "wrong_content_type"
    SCHEMA_VIOLATION = "schema_violation"
    OVERSIZED = "oversized"


@dataclass(frozen=True, slots=True)
class Fault:
    """One kind of misbehaviour; build it with the class methods below."""

    kind: FaultKind
    performed: bool
    """Whether the sandbox carries the request out before the fault shapes the answer."""
    http_status: int | None = None
    message: str | None = None
    error_key: str = "error"
    retry_after: str | None = None
    seconds: float = 0.0
    size: int = 0
    chunked: bool = False
    content_type: str = "text/html"
    body: Any = None

    @classmethod
    def status(
        cls,
        code: int,
        message: str | None = None,
        *,
        retry_after: float | str | None = None,
        error_key: str = "error",
        performed: bool = False,
    ) -> Fault:
        """Answer ``code`` with ``{"error": message, "status": code}`` (``error_key``: the
        body's message key, ``"message"`` as some Vultr endpoints do); ``retry_after`` adds
        that header (seconds, or an HTTP date string)."""
        return cls(
            FaultKind.STATUS,
            performed,
            http_status=code,
            message=message,
            error_key=error_key,
            retry_after=_header_value(retry_after),
        )

    @classmethod
    def rate_limited(cls, retry_after: float | str | None = 1) -> Fault:
        """Answer 429 as Vultr's limiter does, with ``Retry-After`` unless it is ``None``."""
        return cls.status(429, "Rate limit exceeded.", retry_after=retry_after)

    @classmethod
    def html(cls, code: int = 502, *, performed: bool = False) -> Fault:
        """Answer ``code`` with an HTML error page, as a proxy in front of the API would."""
        return cls(FaultKind.HTML, performed, http_status=code)

    @classmethod
    def delay(cls, seconds: float) -> Fault:
        """Carry the request out at once, then wait ``seconds`` before answering (a slow
        server; a client that times out meanwhile has still created what it asked for)."""
        if seconds < 0:
            raise ValueError("seconds must not be negative")
        return cls(FaultKind.DELAY, True, seconds=seconds)

    @classmethod
    def drop(cls, *, performed: bool = True) -> Fault:
        """Read the request body, carry the request out (unless ``performed=False``), then
        close the connection without answering."""
        return cls(FaultKind.DROP, performed)

    @classmethod
    def malformed_json(cls) -> Fault:
        """Answer with the success status and a JSON body cut off half-way."""
        return cls(FaultKind.MALFORMED_JSON, True)

    @classmethod
    def wrong_content_type(cls, content_type: str = "text/html") -> Fault:
        """Answer with the success status and body, labelled ``content_type``."""
        return cls(FaultKind.WRONG_CONTENT_TYPE, True, content_type=content_type)

    @classmethod
    def schema_violation(cls, body: Any = None) -> Fault:
        """Answer with the success status and a JSON body that breaks the response schema
        (``body``, or the real answer with each object or list replaced by a string)."""
        return cls(FaultKind.SCHEMA_VIOLATION, True, body=body)

    @classmethod
    def oversized(cls, size: int = 16 * 1024 * 1024, *, chunked: bool = False) -> Fault:
        """Answer with a valid JSON body of at least ``size`` bytes (the real answer plus
        padding). ``chunked`` sends it without ``Content-Length``."""
        return cls(FaultKind.OVERSIZED, True, size=size, chunked=chunked)


def _header_value(value: float | str | None) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return f"{value:g}"


@dataclass(slots=True)
class FaultRule:
    """A fault on a route, for the next ``remaining`` matching requests (``None``: all)."""

    route: RoutePattern
    fault: Fault
    remaining: int | None
    hits: int = 0

    @property
    def spent(self) -> bool:
        """Whether the rule has no requests left to spoil."""
        return self.remaining is not None and self.remaining <= 0


class FaultRules:
    """The fault rules of one sandbox; the first live rule that matches a request wins."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()

    def add(self, method: str, path: str, fault: Fault, *, times: int | None = 1) -> FaultRule:
        """Spoil the next ``times`` requests matching ``method path`` (``None``: every one)."""
        if times is not None and times < 1:
            raise ValueError("times must be at least 1, or None for every request")
        rule = FaultRule(RoutePattern(method, path), fault, times)
        with self._lock:
            self._rules.append(rule)
        return rule

    def clear(self) -> None:
        """Remove every rule: the sandbox behaves again."""
        with self._lock:
            self._rules.clear()

    @property
    def rules(self) -> list[FaultRule]:
        """The rules that still have requests to spoil."""
        with self._lock:
            return [rule for rule in self._rules if not rule.spent]

    def take(self, method: str, path: str) -> Fault | None:
        """The fault for this request, counting it against its rule; ``None`` for no fault."""
        with self._lock:
            for rule in self._rules:
                if not rule.spent and rule.route.matches(method, path):
                    rule.hits += 1
                    if rule.remaining is not None:
                        rule.remaining -= 1
                    return rule.fault
            return None

    def __len__(self) -> int:
        return len(self.rules)
