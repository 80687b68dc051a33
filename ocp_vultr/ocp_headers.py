"""The OCP headers sent with every request, made from an :class:`~ocp_vultr.context.AgentContext`.

``OCP-Context-ID``, ``OCP-Agent-Type`` and ``OCP-Version`` always; ``OCP-Current-Goal``,
``OCP-User`` and ``OCP-Workspace`` when set; ``OCP-Session`` (Base64 JSON of the context with
its latest calls) only when asked for. Every value is cleaned: line breaks and other control
characters become spaces, accented letters lose their accents, any other non-ASCII character
(and ``%``) is percent-encoded as UTF-8, and the value is cut to the length the OCP
specification allows. ``OCP-Session`` never exceeds 8 KB: older calls are left out until it fits.
"""

from __future__ import annotations

import base64
import binascii
import json
import unicodedata
from typing import Any

from .context import AgentContext

OCP_VERSION = "1.0"

CONTEXT_ID = "OCP-Context-ID"
AGENT_TYPE = "OCP-Agent-Type"
VERSION = "OCP-Version"
CURRENT_GOAL = "OCP-Current-Goal"
USER = "OCP-User"
WORKSPACE = "OCP-Workspace"
SESSION = "OCP-Session"

MAX_LENGTHS = {CONTEXT_ID: 64, AGENT_TYPE: 128, CURRENT_GOAL: 256, USER: 64, WORKSPACE: 128}
"""Longest value of each header, in characters, as the OCP specification sets them."""
MAX_SESSION_BYTES = 8 * 1024
"""Longest ``OCP-Session`` value (after Base64), as the OCP specification sets it."""
SESSION_HISTORY = 5
"""Calls carried in ``OCP-Session`` at most (the most recent ones)."""
_MAX_ENDPOINT_CHARS = 200


def clean_header_value(value: str, limit: int) -> str:
    """``value`` made safe for an HTTP header and cut to at most ``limit`` characters."""
    units: list[str] = []
    for char in unicodedata.normalize("NFKD", value):
        if unicodedata.combining(char):
            continue
        if " " < char < "\x7f" and char != "%":
            units.append(char)
        elif char == " " or unicodedata.category(char)[0] in "CZ":
            if units and units[-1] != " ":
                units.append(" ")
        else:
            units.append("".join(f"%{byte:02X}" for byte in char.encode("utf-8")))
    out: list[str] = []
    size = 0
    for unit in units:
        if size + len(unit) > limit:
            break
        out.append(unit)
        size += len(unit)
    return "".join(out).strip()


def identity_headers(context: AgentContext) -> dict[str, str]:
    """The headers that depend only on who the agent is (no session)."""
    headers = {
        CONTEXT_ID: context.context_id,
        AGENT_TYPE: clean_header_value(context.agent_type, MAX_LENGTHS[AGENT_TYPE]),
        VERSION: OCP_VERSION,
    }
    for name, value in (
        (CURRENT_GOAL, context.current_goal),
        (USER, context.user),
        (WORKSPACE, context.workspace),
    ):
        cleaned = clean_header_value(value, MAX_LENGTHS[name]) if value else ""
        if cleaned:
            headers[name] = cleaned
    return headers


def encode_session(context: AgentContext, limit: int = MAX_SESSION_BYTES) -> str:
    """The ``OCP-Session`` value: Base64 of the compact context JSON, at most ``limit`` bytes."""
    document = _session_document(context)
    history: list[dict[str, Any]] = document["history"]
    while True:
        encoded = base64.b64encode(
            json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        ).decode("ascii")
        if len(encoded) <= limit:
            return encoded
        if history:
            history.pop(0)
            continue
        for optional in ("current_goal", "workspace", "user"):
            if document[optional] is not None:
                document[optional] = None
                break
        else:
            raise ValueError(f"an OCP session cannot fit in {limit} bytes")


def decode_session(value: str) -> dict[str, Any]:
    """The context object in an ``OCP-Session`` value (raises ``ValueError`` if malformed)."""
    try:
        document = json.loads(base64.b64decode(value.encode("ascii"), validate=True))
    except (binascii.Error, UnicodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"not an OCP session value: {exc}") from None
    if not isinstance(document, dict):
        raise ValueError("an OCP session must hold a JSON object")
    return document


def _session_document(context: AgentContext) -> dict[str, Any]:
    document = context.to_dict(history_limit=SESSION_HISTORY)
    for field, header in (("current_goal", CURRENT_GOAL), ("user", USER), ("workspace", WORKSPACE)):
        value = document[field]
        if isinstance(value, str):
            document[field] = value[: MAX_LENGTHS[header]]
    document["agent_type"] = document["agent_type"][: MAX_LENGTHS[AGENT_TYPE]]
    document["session"]["agent_type"] = document["agent_type"]
    for entry in document["history"]:
        endpoint = entry["api_endpoint"]
        if isinstance(endpoint, str):
            entry["api_endpoint"] = endpoint[:_MAX_ENDPOINT_CHARS]
    return document


class ContextHeaders:
    """Makes the OCP headers of each request; the identity part is cached until it changes."""

    def __init__(self, context: AgentContext, *, send_session: bool = False) -> None:
        self.context = context
        self.send_session = send_session
        self._cached: dict[str, str] = {}
        self._revision = -1

    def __call__(self) -> dict[str, str]:
        """The headers for the next request."""
        if self._revision != self.context.revision:
            self._cached = identity_headers(self.context)
            self._revision = self.context.revision
        if not self.send_session:
            return self._cached
        return {**self._cached, SESSION: encode_session(self.context)}
