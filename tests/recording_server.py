"""A scriptable HTTP server on 127.0.0.1 that records every request it receives."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

CANARY_KEY = "CANARY-4f9c2e7d-key-never-leaks"

SNAPSHOT = {
    "id": "cb676a46-66fd-4dfb-b839-443f2e6c0b60",
    "date_created": "2026-11-26T10:00:00+00:00",
    "description": "nightly",
    "size": 0,
    "compressed_size": 0,
    "status": "pending",
    "os_id": 215,
    "app_id": 0,
}


@dataclass
class Recorded:
    """One request as the server received it."""

    method: str
    path: str
    raw_path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Reply:
    """What the server answers to the next request."""

    status: int = 201
    body: Any = field(default_factory=lambda: {"snapshot": dict(SNAPSHOT)})
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


class RecordingServer:
    """Answers each request with the next scripted :class:`Reply` (the last one repeats)."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.replies: list[Reply] = [Reply()]
        self.base_url = ""
        self._runner: web.AppRunner | None = None

    def script(self, *replies: Reply) -> None:
        self.replies = list(replies)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(
            Recorded(
                request.method,
                request.path,
                request.raw_path,
                dict(request.query),
                dict(request.headers),
                await request.read(),
            )
        )
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if isinstance(reply.body, bytes | str):
            text = reply.body if isinstance(reply.body, str) else reply.body.decode()
        else:
            text = json.dumps(reply.body)
        if reply.status == 204:
            return web.Response(status=204, headers=reply.headers)
        return web.Response(
            status=reply.status,
            text=text,
            headers={"Content-Type": reply.content_type, **reply.headers},
        )

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}/v2"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
