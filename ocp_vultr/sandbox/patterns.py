"""Request patterns (``"GET", "/snapshots/{id}"``) shared by fault rules and the request log.

``method`` is an HTTP method or ``*``. ``path`` is matched against the request path without
the ``/v2`` prefix (which a pattern may also carry); a segment ``*`` or ``{name}`` matches any
one segment, a segment ending in ``*`` matches that prefix and anything after it, and ``*``
alone matches every path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

API_PREFIX = "/v2"


def strip_prefix(path: str) -> str:
    """``path`` without the API's ``/v2`` prefix."""
    if path == API_PREFIX or path.startswith(API_PREFIX + "/"):
        return path[len(API_PREFIX) :] or "/"
    return path


def _compile(path: str) -> re.Pattern[str]:
    if path == "*":
        return re.compile(".*")
    parts: list[str] = []
    for segment in strip_prefix(path.rstrip("/") or "/").split("/"):
        if segment == "*" or (segment.startswith("{") and segment.endswith("}")):
            parts.append("[^/]+")
        elif segment.endswith("*"):
            parts.append(re.escape(segment[:-1]) + ".*")
        else:
            parts.append(re.escape(segment))
    return re.compile("/".join(parts) + "/?")


@dataclass(frozen=True, slots=True)
class RoutePattern:
    """A method and a path pattern; see the module docstring."""

    method: str
    path: str
    _regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "method", self.method.upper())
        object.__setattr__(self, "_regex", _compile(self.path))

    def matches(self, method: str, path: str) -> bool:
        """Whether a request ``method path`` falls under this pattern."""
        if self.method not in ("*", method.upper()):
            return False
        return self._regex.fullmatch(strip_prefix(path)) is not None
