"""Mapping an HTTP error answer to a :class:`~ocp_vultr.errors.ToolError`.

Vultr's error bodies are ``{"error": "...", "status": N}``, sometimes ``message`` instead of
``error``, and sometimes not JSON at all (a proxy's HTML page). The message is taken from
``error``, else ``message``, else the text (an HTML page's title), cut to a readable length.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from .errors import (
    ApiError,
    AuthFailedError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    ToolError,
)

MAX_MESSAGE_CHARS = 300
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def server_message(text: str) -> str:
    """The human message in an error body: JSON ``error``/``message``, else cleaned text."""
    try:
        body = json.loads(text)
    except ValueError:
        body = None
    if isinstance(body, dict):
        for key in ("error", "message"):
            value = body.get(key)
            if isinstance(value, str) and value.strip():
                return truncate(" ".join(value.split()))
    title = _TITLE.search(text)
    plain = title.group(1) if title else _TAG.sub(" ", text)
    return truncate(" ".join(plain.split())) or "(empty body)"


def truncate(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """``text`` cut to ``limit`` characters, marked with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (seconds or an HTTP date); None if absent."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def error_for_status(
    status: int, text: str, *, tool_name: str, retry_after: float | None = None
) -> ToolError:
    """The error for an HTTP error ``status`` with body ``text`` from a call of ``tool_name``."""
    said = server_message(text)
    details = {"server_message": said}
    if status in (401, 403):
        return AuthFailedError(
            f"Vultr refused the API key (HTTP {status}: {said}). Check that VULTR_API_KEY is "
            "set to a valid key and that the key allows access from this IP address; "
            "retrying will not help.",
            status=status,
            details=details,
        )
    if status == 404:
        return NotFoundError(
            f"Not found (HTTP 404: {said}). Check the IDs passed to {tool_name}; list the "
            "resources to find the right one.",
            status=status,
            details=details,
        )
    if status == 429:
        wait = f"{retry_after:g} seconds" if retry_after is not None else "a few seconds"
        return RateLimitedError(
            f"Rate limited by Vultr (HTTP 429: {said}). Wait {wait}, then try again.",
            status=status,
            retry_after=retry_after,
            details=details,
        )
    if 500 <= status <= 599:
        return ServerError(
            f"Vultr failed with HTTP {status}: {said}. This is on Vultr's side; try again later.",
            status=status,
            details=details,
        )
    return ApiError(
        f"Vultr rejected the {tool_name} request (HTTP {status}): {said}. Fix the arguments "
        "as the message says before calling again.",
        status=status,
        details=details,
    )
