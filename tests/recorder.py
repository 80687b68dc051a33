"""A small Vultr-shaped HTTP server on 127.0.0.1 that records every request it receives.

It answers ``POST /v2/snapshots`` with a 201 snapshot envelope (an instance id starting with
``missing`` gets Vultr's 404 body), and ``GET /v2/snapshots/{id}`` with the snapshot. Used by the
function-calling and OCP-context tests, which check what was sent and what came back.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


class Recorder:
    """The server's state: the requests it got and the snapshots it made."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.snapshots: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)
        self.server: TestServer | None = None

    @property
    def base_url(self) -> str:
        assert self.server is not None
        return str(self.server.make_url("/v2"))

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/v2/snapshots", self._create)
        app.router.add_get("/v2/snapshots/{snapshot_id}", self._get)
        return app

    async def _record(self, request: web.Request) -> Any:
        raw = await request.read()
        body = json.loads(raw) if raw else None
        self.requests.append(
            Recorded(request.method, request.path, dict(request.query), dict(request.headers), body)
        )
        return body

    async def _create(self, request: web.Request) -> web.Response:
        body = await self._record(request)
        instance = body.get("instance_id", "") if isinstance(body, dict) else ""
        if instance.startswith("missing"):
            return web.json_response({"error": "Invalid instance-id.", "status": 404}, status=404)
        snapshot_id = f"snap-{next(self._ids):04d}"
        snapshot = {
            "id": snapshot_id,
            "date_created": "2026-11-26T10:00:00+00:00",
            "description": body.get("description", ""),
            "size": 0,
            "compressed_size": 0,
            "status": "pending",
            "os_id": 215,
            "app_id": 0,
        }
        self.snapshots[snapshot_id] = snapshot
        return web.json_response({"snapshot": snapshot}, status=201)

    async def _get(self, request: web.Request) -> web.Response:
        await self._record(request)
        snapshot = self.snapshots.get(request.match_info["snapshot_id"])
        if snapshot is None:
            return web.json_response({"error": "Snapshot not found", "status": 404}, status=404)
        return web.json_response({"snapshot": snapshot})


async def start_recorder() -> Recorder:
    recorder = Recorder()
    recorder.server = TestServer(recorder.app(), host="127.0.0.1")
    await recorder.server.start_server()
    return recorder
