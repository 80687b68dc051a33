"""``AgentContext``: who is calling, why, and a bounded record of the calls made (OCP Level 1).

The context holds the agent's identity (context id, agent type, user, workspace, current goal)
and a bounded history of tool calls: the tool, its endpoint template, the outcome and the
timing. It never holds argument values (they may carry secrets) nor the API key. The OCP
headers sent with every request are made from it by :mod:`ocp_vultr.ocp_headers`.
"""

from __future__ import annotations

import re
import secrets
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .result import ToolResult
    from .tool import Tool

CONTEXT_ID_PATTERN = re.compile(r"^ocp-[a-f0-9]{8,60}$")
"""The OCP context schema's ``^ocp-[a-f0-9]{8,}$``, within the header's 64 characters."""

DEFAULT_HISTORY_SIZE = 100


def new_context_id() -> str:
    """A fresh, random context id such as ``ocp-3f9a…`` (24 hex digits)."""
    return "ocp-" + secrets.token_hex(12)


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class CallRecord:
    """One tool call in the history: what was called and how it ended, never with what."""

    tool: str
    endpoint: str | None
    """``METHOD /path/{template}`` of the tool: the template, never the filled-in path."""
    ok: bool
    status: int | None
    code: str | None
    """The error code of a failed call (``not_found``…), ``None`` on success."""
    elapsed: float
    attempts: int
    at: datetime

    @property
    def outcome(self) -> str:
        """A short outcome: ``ok 201``, ``not_found 404``, ``invalid_arguments``."""
        word = "ok" if self.ok else (self.code or "error")
        return word if self.status is None else f"{word} {self.status}"

    def to_ocp(self) -> dict[str, Any]:
        """The entry as an item of the OCP context's ``history``."""
        return {
            "timestamp": self.at.isoformat(),
            "action": "tool_call",
            "api_endpoint": self.endpoint,
            "result": self.outcome,
            "metadata": {
                "tool": self.tool,
                "elapsed_ms": round(self.elapsed * 1000),
                "attempts": self.attempts,
            },
        }


class AgentContext:
    """The agent context carried with every request in OCP headers.

    Changing ``agent_type``, ``user``, ``workspace`` or ``current_goal`` takes effect on the
    next request. ``history`` keeps the last ``history_size`` calls.
    """

    def __init__(
        self,
        agent_type: str = "ai_agent",
        user: str | None = None,
        workspace: str | None = None,
        current_goal: str | None = None,
        *,
        context_id: str | None = None,
        history_size: int = DEFAULT_HISTORY_SIZE,
    ) -> None:
        if context_id is None:
            context_id = new_context_id()
        elif not CONTEXT_ID_PATTERN.match(context_id):
            raise ValueError(
                f"context_id {context_id!r} must look like 'ocp-' followed by 8 to 60 lowercase "
                "hex digits"
            )
        if history_size < 0:
            raise ValueError("history_size must not be negative")
        self._context_id = context_id
        self._agent_type = _required_text(agent_type, "agent_type")
        self._user = user
        self._workspace = workspace
        self._current_goal = current_goal
        self.created_at = _now()
        self.last_updated = self.created_at
        self.interaction_count = 0
        self.revision = 0
        """Grows whenever an identity field changes (lets header caches know)."""
        self._history: deque[CallRecord] = deque(maxlen=history_size)

    # -- identity -----------------------------------------------------------------------

    @property
    def context_id(self) -> str:
        """The context's id (``ocp-`` and hex digits); fixed for the context's life."""
        return self._context_id

    @property
    def agent_type(self) -> str:
        """The kind of agent (``ai_agent``, ``ide_coding_assistant``…)."""
        return self._agent_type

    @agent_type.setter
    def agent_type(self, value: str) -> None:
        self._agent_type = _required_text(value, "agent_type")
        self._changed()

    @property
    def user(self) -> str | None:
        """The user the agent acts for, if known."""
        return self._user

    @user.setter
    def user(self, value: str | None) -> None:
        self._user = value
        self._changed()

    @property
    def workspace(self) -> str | None:
        """The workspace or project, if any."""
        return self._workspace

    @workspace.setter
    def workspace(self, value: str | None) -> None:
        self._workspace = value
        self._changed()

    @property
    def current_goal(self) -> str | None:
        """What the agent is trying to do now."""
        return self._current_goal

    @current_goal.setter
    def current_goal(self, value: str | None) -> None:
        self._current_goal = value
        self._changed()

    def _changed(self) -> None:
        self.revision += 1
        self.last_updated = _now()

    # -- history ------------------------------------------------------------------------

    @property
    def history(self) -> tuple[CallRecord, ...]:
        """The recorded calls, oldest first (at most ``history_size``)."""
        return tuple(self._history)

    @property
    def history_size(self) -> int:
        """How many calls the history keeps."""
        return self._history.maxlen or 0

    def record(self, result: ToolResult, tool: Tool | None = None) -> CallRecord:
        """Record the call that produced ``result`` (``tool``: the tool called, if it exists)."""
        entry = CallRecord(
            tool=result.tool if tool is None else tool.name,
            endpoint=None if tool is None or tool.path is None else f"{tool.method} {tool.path}",
            ok=result.ok,
            status=result.status,
            code=None if result.error is None else result.error.code,
            elapsed=result.elapsed,
            attempts=result.attempts,
            at=_now(),
        )
        self._history.append(entry)
        self.interaction_count += 1
        self.last_updated = entry.at
        return entry

    # -- export -------------------------------------------------------------------------

    def to_dict(self, *, history_limit: int | None = None) -> dict[str, Any]:
        """The context as an OCP context object (``ocp-context.json``).

        ``history_limit`` keeps only the most recent entries (``None``: all that are kept).
        """
        entries = list(self._history)
        if history_limit is not None:
            entries = entries[-history_limit:] if history_limit > 0 else []
        return {
            "context_id": self._context_id,
            "agent_type": self._agent_type,
            "user": self._user,
            "workspace": self._workspace,
            "current_goal": self._current_goal,
            "session": {
                "start_time": self.created_at.isoformat(),
                "interaction_count": self.interaction_count,
                "agent_type": self._agent_type,
            },
            "history": [entry.to_ocp() for entry in entries],
            "created_at": self.created_at.isoformat(),
            "last_updated": self.last_updated.isoformat(),
        }

    def __repr__(self) -> str:
        return (
            f"AgentContext(context_id={self._context_id!r}, agent_type={self._agent_type!r}, "
            f"calls={self.interaction_count})"
        )


def _required_text(value: str, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string")
    return value
