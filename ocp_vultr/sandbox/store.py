"""The sandbox's snapshots: created ``pending``, ``complete`` after a delay, then deleted.

Status is worked out from the clock whenever a snapshot is read, so nothing runs in the
background. Tests can also force a status (:meth:`SnapshotStore.complete`,
:meth:`SnapshotStore.set_status`).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

GIB = 1024**3
INSTANCE_DISK_BYTES = 25 * GIB
INSTANCE_OS_ID = 2284
"""Ubuntu 24.04 x64 in Vultr's OS list."""
URL_IMAGE_BYTES = 10 * GIB
URL_IMAGE_OS_ID = 159
"""Vultr's "Custom" OS, used for snapshots made from an uploaded image."""
STATUSES = ("pending", "complete", "deleted")


@dataclass(slots=True)
class _Snapshot:
    id: str
    date_created: str
    description: str
    os_id: int
    app_id: int
    full_size: int
    created_at: float
    forced_status: str | None = None
    deleted_at: float | None = None


class SnapshotStore:
    """Every snapshot of one sandbox, in creation order.

    ``complete_after`` (seconds from creation to ``complete``; ``None``: never on its own) may
    be changed at any time, for example by a test that needs a snapshot to stay pending.
    """

    def __init__(
        self,
        *,
        complete_after: float | None,
        deleted_linger: float = 0.0,
        clock_offset: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.complete_after = complete_after
        self.deleted_linger = deleted_linger
        self.clock_offset = clock_offset
        self._clock = clock
        self._items: dict[str, _Snapshot] = {}

    # -- the operations the API serves ----------------------------------------------------

    def create(
        self,
        description: str = "",
        *,
        os_id: int = INSTANCE_OS_ID,
        full_size: int = INSTANCE_DISK_BYTES,
    ) -> dict[str, Any]:
        """A new ``pending`` snapshot (sizes 0 until it completes)."""
        now = datetime.now(UTC) + timedelta(seconds=self.clock_offset)
        item = _Snapshot(
            id=str(uuid.uuid4()),
            date_created=now.isoformat(timespec="seconds"),
            description=description,
            os_id=os_id,
            app_id=0,
            full_size=full_size,
            created_at=self._clock(),
        )
        self._items[item.id] = item
        return self._view(item, status="pending")  # Vultr answers a create with pending

    def get(self, snapshot_id: str) -> dict[str, Any] | None:
        """The snapshot as the API shows it now, or ``None`` when there is none."""
        item = self._visible().get(snapshot_id)
        return None if item is None else self._view(item)

    def list(self, description: str | None = None) -> list[dict[str, Any]]:
        """Every visible snapshot, oldest first, optionally only those with ``description``."""
        return [
            self._view(item)
            for item in self._visible().values()
            if description is None or item.description == description
        ]

    def update(self, snapshot_id: str, description: str) -> bool:
        """Change a snapshot's description; False when there is no such snapshot."""
        item = self._visible().get(snapshot_id)
        if item is None:
            return False
        item.description = description
        return True

    def delete(self, snapshot_id: str) -> bool:
        """Delete a snapshot; False when there is no such snapshot."""
        item = self._visible().get(snapshot_id)
        if item is None:
            return False
        item.deleted_at = self._clock()
        item.forced_status = "deleted"
        return True

    # -- test hooks -----------------------------------------------------------------------

    def complete(self, snapshot_id: str) -> None:
        """Make a snapshot ``complete`` now, whatever ``complete_after`` says."""
        self.set_status(snapshot_id, "complete")

    def set_status(self, snapshot_id: str, status: str) -> None:
        """Force a snapshot's status (``pending``, ``complete`` or ``deleted``)."""
        if status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}")
        self._items[snapshot_id].forced_status = status

    def __len__(self) -> int:
        return len(self._visible())

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.list())

    def __contains__(self, snapshot_id: object) -> bool:
        return snapshot_id in self._visible()

    # -- internals ------------------------------------------------------------------------

    def _visible(self) -> dict[str, _Snapshot]:
        now = self._clock()
        gone = [
            key
            for key, item in self._items.items()
            if item.deleted_at is not None and now - item.deleted_at >= self.deleted_linger
        ]
        for key in gone:
            del self._items[key]
        return self._items

    def _status(self, item: _Snapshot) -> str:
        if item.forced_status is not None:
            return item.forced_status
        if self.complete_after is None:
            return "pending"
        done = self._clock() - item.created_at >= self.complete_after
        return "complete" if done else "pending"

    def _view(self, item: _Snapshot, status: str | None = None) -> dict[str, Any]:
        status = status or self._status(item)
        complete = status == "complete"
        return {
            "id": item.id,
            "date_created": item.date_created,
            "description": item.description,
            "size": item.full_size if complete else 0,
            "compressed_size": item.full_size // 3 if complete else 0,
            "status": status,
            "os_id": item.os_id,
            "app_id": item.app_id,
        }
