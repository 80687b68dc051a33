"""A scripted stand-in for a language model, so the agent loops run offline and the same way
every time.

It plays a fixed plan for the goal "snapshot this instance before an upgrade and wait until the
snapshot is complete", reading each tool result as a real model would:

1. ``createSnapshot`` with a wrong argument name (``instance`` instead of ``instance_id``);
2. after the ``invalid_arguments`` error, ``createSnapshot`` again, corrected;
3. ``waitForSnapshot`` on the new snapshot's id, again while ``wait.done`` is false;
4. a closing sentence once the snapshot is complete.

The provider-shaped models in the examples turn these decisions into OpenAI or Anthropic
messages; the plan itself knows nothing of providers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DESCRIPTION = "before upgrade"


@dataclass(frozen=True)
class ToolUse:
    """The model wants ``name`` called with ``arguments``."""

    name: str
    arguments: dict[str, Any]


@dataclass
class ScriptedPlan:
    """The plan's state: which step comes next and what it has learnt from the results."""

    instance_id: str
    step: int = 0
    snapshot_id: str | None = None

    def next(self, offered: set[str], results: list[dict[str, Any]]) -> ToolUse | str:
        """The next tool use, or the final answer, given the tools offered and the payloads
        of the latest tool results (``{"ok": …, "data": …}`` / ``{"ok": false, "error": …}``)."""
        for name in ("createSnapshot", "waitForSnapshot"):
            if name not in offered:
                raise RuntimeError(f"the model was not offered {name}")
        last = results[-1] if results else None
        self.step += 1
        if self.step == 1:
            wrong = {"instance": self.instance_id, "description": DESCRIPTION}
            return ToolUse("createSnapshot", wrong)
        if self.step == 2:
            error = _error(last)
            if error.get("code") != "invalid_arguments" or "instance_id" not in error["message"]:
                raise RuntimeError(f"expected the wrong argument name to be refused: {last}")
            right = {"instance_id": self.instance_id, "description": DESCRIPTION}
            return ToolUse("createSnapshot", right)
        if self.snapshot_id is None:
            self.snapshot_id = _data(last)["snapshot"]["id"]
        else:
            data = _data(last)
            if data["wait"]["done"]:
                snapshot = data["snapshot"]
                return (
                    f"Snapshot {snapshot['id']} of instance {self.instance_id} is "
                    f"{snapshot['status']} ({snapshot['size']} bytes)."
                )
        return ToolUse("waitForSnapshot", {"snapshot_id": self.snapshot_id, "max_wait_seconds": 30})


def _error(payload: dict[str, Any] | None) -> dict[str, Any]:
    if not payload or payload.get("ok") is not False:
        raise RuntimeError(f"expected a failed tool result, got {payload}")
    error: dict[str, Any] = payload["error"]
    return error


def _data(payload: dict[str, Any] | None) -> dict[str, Any]:
    if not payload or payload.get("ok") is not True:
        raise RuntimeError(f"expected a successful tool result, got {payload}")
    data: dict[str, Any] = payload["data"]
    return data
