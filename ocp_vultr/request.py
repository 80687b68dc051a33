"""Turning validated arguments into an HTTP request, as the manifest places them."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from .retry import IDEMPOTENT_METHODS
from .tool import Location, Tool

_BODY_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
"""Reused: ``json.dumps`` with options builds a new encoder on every call."""


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """One request ready to send: nothing in it is secret (auth is added by the caller)."""

    method: str
    url: str
    query: tuple[tuple[str, str], ...] = ()
    body: dict[str, Any] | None = None
    tool_name: str = ""
    headers: tuple[tuple[str, str], ...] = field(default=())
    idempotent: bool | None = None
    """Whether sending it twice has the effect of sending it once (``None``: by its method)."""

    @property
    def resend_safe(self) -> bool:
        """Whether a repeat of this request after an unclear failure cannot cause a duplicate."""
        if self.idempotent is None:
            return self.method.upper() in IDEMPOTENT_METHODS
        return self.idempotent

    @property
    def full_url(self) -> str:
        """The URL with its query string."""
        return f"{self.url}?{urlencode(self.query)}" if self.query else self.url

    def body_bytes(self) -> bytes | None:
        """The JSON body as sent, or ``None`` when there is none."""
        if self.body is None:
            return None
        return _BODY_ENCODER.encode(self.body).encode()


def query_value(value: Any) -> str:
    """A JSON value as a query-string value (``true``/``false`` for booleans)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"))


def build_request(tool: Tool, arguments: Mapping[str, Any], base_url: str) -> HttpRequest:
    """The request for ``tool`` with already validated ``arguments``, against ``base_url``."""
    if tool.method is None or tool.path is None:
        raise ValueError(f"{tool.name} has no HTTP operation of its own")
    path = tool.path
    query: list[tuple[str, str]] = []
    body: dict[str, Any] = {}
    for name, value in arguments.items():
        placement = tool.placements[name]
        if placement.location is Location.PATH:
            encoded = quote(query_value(value), safe="")
            if encoded in (".", ".."):  # never let a value walk up the path
                encoded = encoded.replace(".", "%2E")
            path = path.replace("{" + placement.wire_name + "}", encoded)
        elif placement.location is Location.QUERY:
            query.append((placement.wire_name, query_value(value)))
        else:
            body[placement.wire_name] = value
    has_body = any(p.location is Location.BODY for p in tool.placements.values())
    return HttpRequest(
        method=tool.method,
        url=base_url.rstrip("/") + path,
        query=tuple(query),
        body=body if has_body else None,
        tool_name=tool.name,
        idempotent=tool.hints.idempotent,
    )
