"""A minimal Vultr-shaped HTTP server for the benchmark, run in its own process.

``python -m bench.server`` listens on 127.0.0.1 (a free port), prints ``PORT <n>`` on one line,
then answers ``POST /v2/snapshots`` with a 201 ``{"snapshot": {...}}`` carrying the request's
description, as Vultr does. Anything else gets a Vultr-style error body: a wrong path 404, a
missing bearer token 401, a body without ``instance_id`` 400. It is a raw asyncio protocol
(HTTP/1.1, keep-alive, ``Content-Length`` bodies) so that the server costs as little as
possible and the client side, which the benchmark compares, dominates the time.
``--delay-ms`` holds every answer back that long, as a network round trip would.
It stops on SIGTERM, SIGINT or when its standard input closes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import uuid

SNAPSHOT_PATH = b"/v2/snapshots"
_HEAD_END = b"\r\n\r\n"
_MAX_HEAD = 16 * 1024


def snapshot_body(description: str) -> bytes:
    """The JSON of a new, pending snapshot as Vultr returns it."""
    snapshot = {
        "id": str(uuid.uuid4()),
        "date_created": "2026-11-26T12:00:00+00:00",
        "description": description,
        "size": 0,
        "compressed_size": 0,
        "status": "pending",
        "os_id": 215,
        "app_id": 0,
    }
    return json.dumps({"snapshot": snapshot}).encode()


def _response(status: int, reason: str, body: bytes) -> bytes:
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "\r\n"
    )
    return head.encode() + body


def _error(status: int, reason: str, message: str) -> bytes:
    return _response(status, reason, json.dumps({"error": message, "status": status}).encode())


def answer(method: bytes, path: bytes, headers: dict[bytes, bytes], body: bytes) -> bytes:
    """The full HTTP response to one request."""
    if method != b"POST" or path != SNAPSHOT_PATH:
        return _error(404, "Not Found", "Not found")
    if not headers.get(b"authorization", b"").startswith(b"Bearer "):
        return _error(401, "Unauthorized", "Invalid API token.")
    try:
        document = json.loads(body)
    except ValueError:
        return _error(400, "Bad Request", "Invalid JSON")
    if not isinstance(document, dict) or not isinstance(document.get("instance_id"), str):
        return _error(400, "Bad Request", "Invalid instance_id")
    description = document.get("description", "")
    return _response(201, "Created", snapshot_body(str(description)))


class _HttpProtocol(asyncio.Protocol):
    """HTTP/1.1 with keep-alive: one request at a time per connection, as aiohttp sends them."""

    def __init__(self, delay: float = 0.0) -> None:
        self._delay = delay
        self._buffer = bytearray()
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while self._handle_one():
            pass

    def _handle_one(self) -> bool:
        end = self._buffer.find(_HEAD_END)
        if end < 0:
            if len(self._buffer) > _MAX_HEAD:
                self._close()
            return False
        lines = bytes(self._buffer[:end]).split(b"\r\n")
        try:
            method, path, _ = lines[0].split(b" ", 2)
        except ValueError:
            self._close()
            return False
        headers: dict[bytes, bytes] = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip()
        try:
            length = int(headers.get(b"content-length", b"0") or 0)
        except ValueError:
            self._close()
            return False
        total = end + len(_HEAD_END) + length
        if len(self._buffer) < total:
            return False
        body = bytes(self._buffer[end + len(_HEAD_END) : total])
        del self._buffer[:total]
        assert self._transport is not None
        response = answer(method, path, headers, body)
        if self._delay > 0:
            asyncio.get_running_loop().call_later(self._delay, self._write, response)
        else:
            self._transport.write(response)
        return True

    def _write(self, response: bytes) -> None:
        if self._transport is not None and not self._transport.is_closing():
            self._transport.write(response)

    def _close(self) -> None:
        if self._transport is not None:
            self._transport.close()


async def serve(delay: float = 0.0) -> None:
    """Serve until a stop signal or the end of standard input; answer ``delay`` s late."""
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _HttpProtocol(delay), "127.0.0.1", 0, backlog=256)
    port = server.sockets[0].getsockname()[1]
    print(f"PORT {port}", flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    stdin = sys.stdin.fileno()
    loop.add_reader(stdin, lambda: None if os.read(stdin, 1) else stop.set())
    async with server:
        await stop.wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="the benchmark's Vultr-shaped server")
    parser.add_argument("--delay-ms", type=float, default=0.0, help="answer this much later")
    asyncio.run(serve(parser.parse_args().delay_ms / 1000))
