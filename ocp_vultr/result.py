"""What a tool call returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import ToolError


@dataclass(frozen=True, slots=True)
class ToolResult:
    """The outcome of one tool call: the validated response body, or the error.

    ``ok`` is true when the call succeeded; ``data`` is then the response body (``None`` for
    an answer without body, such as 204). ``error`` is set when it failed. ``status`` is the
    final HTTP status where there was one; ``attempts`` how many requests were sent.
    """

    tool: str
    ok: bool
    status: int | None = None
    data: Any = None
    error: ToolError | None = None
    attempts: int = 0
    elapsed: float = 0.0
    recovered: bool = False
    """True when the answer was lost and the result was found afterwards (see the README)."""
    metadata: dict[str, Any] = field(default_factory=dict)

    def unwrap(self) -> Any:
        """The data of a successful call; raises the error of a failed one."""
        if self.error is not None:
            raise self.error
        return self.data

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form: ``{"ok": true, "data": …}`` or ``{"ok": false, "error": {…}}``."""
        out: dict[str, Any] = {"ok": self.ok, "tool": self.tool, "status": self.status}
        if self.error is not None:
            out["error"] = self.error.to_dict()
        else:
            out["data"] = self.data
        if self.recovered:
            out["recovered"] = True
        return out

    def __repr__(self) -> str:
        if self.error is not None:
            return (
                f"ToolResult(tool={self.tool!r}, ok=False, status={self.status!r}, "
                f"error={self.error!r})"
            )
        return f"ToolResult(tool={self.tool!r}, ok=True, status={self.status!r})"
