"""What the sandbox does for each Vultr operation it serves, keyed by operation id.

Arguments arrive already checked against the tool's schema (see :mod:`.routing`); these
functions only act on the store and answer with Vultr's shapes and status codes.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .store import URL_IMAGE_BYTES, URL_IMAGE_OS_ID, SnapshotStore

DEFAULT_PER_PAGE = 100


def vultr_error(status: int, message: str, *, key: str = "error") -> web.Response:
    """An error answer in Vultr's shape: ``{"error": message, "status": status}``."""
    return web.json_response({key: message, "status": status}, status=status)


@dataclass(frozen=True, slots=True)
class World:
    """What the operations act on: the snapshots and the account's instances."""

    snapshots: SnapshotStore
    instance_ids: frozenset[str]


Operation = Callable[[World, dict[str, Any]], web.Response]


def _no_snapshot() -> web.Response:
    return vultr_error(404, "Snapshot not found.")


def create_snapshot(world: World, args: dict[str, Any]) -> web.Response:
    """POST /snapshots: 201 with a pending snapshot; 400 for an instance that does not exist."""
    if args["instance_id"] not in world.instance_ids:
        return vultr_error(400, "Invalid instance_id: no instance with that ID in this account.")
    snapshot = world.snapshots.create(args.get("description", ""))
    return web.json_response({"snapshot": snapshot}, status=201)


def create_snapshot_from_url(world: World, args: dict[str, Any]) -> web.Response:
    """POST /snapshots/create-from-url: 202 with a pending snapshot."""
    snapshot = world.snapshots.create(
        args.get("description", ""), os_id=URL_IMAGE_OS_ID, full_size=URL_IMAGE_BYTES
    )
    return web.json_response({"snapshot": snapshot}, status=202)


def list_snapshots(world: World, args: dict[str, Any]) -> web.Response:
    """GET /snapshots: one page of snapshots and ``meta`` with cursors (``""``: no more)."""
    per_page = int(args.get("per_page", DEFAULT_PER_PAGE))
    offset = decode_cursor(args.get("cursor") or "")
    if offset is None:
        return vultr_error(400, "Invalid cursor.")
    items = world.snapshots.list(args.get("description"))
    end = offset + per_page
    links = {
        "next": encode_cursor(end) if end < len(items) else "",
        "prev": encode_cursor(max(0, offset - per_page)) if offset > 0 else "",
    }
    body = {"snapshots": items[offset:end], "meta": {"total": len(items), "links": links}}
    return web.json_response(body, status=200)


def get_snapshot(world: World, args: dict[str, Any]) -> web.Response:
    """GET /snapshots/{snapshot-id}: 200 with the snapshot, or 404."""
    snapshot = world.snapshots.get(args["snapshot_id"])
    if snapshot is None:
        return _no_snapshot()
    return web.json_response({"snapshot": snapshot}, status=200)


def update_snapshot(world: World, args: dict[str, Any]) -> web.Response:
    """PUT /snapshots/{snapshot-id}: 204 after changing the description, or 404."""
    if not world.snapshots.update(args["snapshot_id"], args["description"]):
        return _no_snapshot()
    return web.Response(status=204)


def delete_snapshot(world: World, args: dict[str, Any]) -> web.Response:
    """DELETE /snapshots/{snapshot-id}: 204, or 404."""
    if not world.snapshots.delete(args["snapshot_id"]):
        return _no_snapshot()
    return web.Response(status=204)


OPERATIONS: dict[str, Operation] = {
    "create-snapshot": create_snapshot,
    "create-snapshot-create-from-url": create_snapshot_from_url,
    "list-snapshots": list_snapshots,
    "get-snapshot": get_snapshot,
    "put-snapshots-snapshot-id": update_snapshot,
    "delete-snapshot": delete_snapshot,
}
"""The operations served, by Vultr operation id."""


def encode_cursor(offset: int) -> str:
    """An opaque cursor for the page starting at ``offset``."""
    return base64.urlsafe_b64encode(f"next__{offset}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int | None:
    """The offset in a cursor (0 for none), or ``None`` for a cursor this sandbox never gave."""
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    prefix, _, number = text.partition("__")
    if prefix != "next" or not number.isdigit():
        return None
    return int(number)
