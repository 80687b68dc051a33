"""Turning an injected :class:`~ocp_vultr.sandbox.faults.Fault` into the answer sent."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from aiohttp import web

from .faults import Fault, FaultKind
from .operations import vultr_error

Serve = Callable[[], Awaitable[web.Response]]


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def html_page(status: int) -> str:
    """The kind of HTML error page a proxy in front of an API answers with."""
    title = f"{status} {_reason(status)}"
    return (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n<hr><center>nginx</center>\r\n"
        "</body>\r\n</html>\r\n"
    )


async def answer_with_fault(
    fault: Fault, request: web.Request, serve: Serve, success_status: int
) -> web.StreamResponse:
    """The answer to ``request`` spoiled by ``fault``; ``serve`` carries the request out.

    A spoiled success answer (malformed JSON, wrong content type, schema violation, oversized)
    has the route's ``success_status`` even when the request itself was refused.
    """
    if not fault.performed:
        return await _refusal(fault, request)
    real = await serve()
    if fault.kind is FaultKind.DELAY:
        await asyncio.sleep(fault.seconds)
        return real
    if fault.kind in (FaultKind.STATUS, FaultKind.HTML, FaultKind.DROP):
        return await _refusal(fault, request)
    status = real.status if 200 <= real.status < 300 else success_status
    return await _spoiled(fault, request, real, 200 if status == 204 else status)


async def _refusal(fault: Fault, request: web.Request) -> web.StreamResponse:
    """An answer that replaces the real one entirely (or no answer at all)."""
    status = fault.http_status or 500
    if fault.kind is FaultKind.DROP:
        if request.transport is not None:
            request.transport.abort()
        return web.Response(status=499)  # never sent: the connection is gone
    if fault.kind is FaultKind.HTML:
        return web.Response(status=status, text=html_page(status), content_type="text/html")
    if fault.kind is FaultKind.STATUS:
        response = vultr_error(status, fault.message or _reason(status), key=fault.error_key)
        if fault.retry_after is not None:
            response.headers["Retry-After"] = fault.retry_after
        return response
    raise ValueError(f"a {fault.kind} fault needs performed=True")


def _json_of(response: web.Response) -> Any:
    body = response.body
    if not isinstance(body, bytes) or not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None


async def _spoiled(
    fault: Fault, request: web.Request, real: web.Response, status: int
) -> web.StreamResponse:
    """The real answer with its body or headers spoiled, answered with ``status``."""
    body = real.body if isinstance(real.body, bytes) else b""
    if fault.kind is FaultKind.WRONG_CONTENT_TYPE:
        return web.Response(status=status, body=body, content_type=fault.content_type)
    if fault.kind is FaultKind.MALFORMED_JSON:
        cut = body[: len(body) // 2] if len(body) > 1 else b'{"snapshot": {'
        return web.Response(status=status, body=cut, content_type="application/json")
    if fault.kind is FaultKind.SCHEMA_VIOLATION:
        bad = fault.body if fault.body is not None else _broken(_json_of(real))
        return web.json_response(bad, status=status)
    if fault.kind is FaultKind.OVERSIZED:
        return await _oversized(fault, request, _json_of(real), status)
    raise ValueError(f"unknown fault kind {fault.kind!r}")


def _broken(value: Any) -> Any:
    """A JSON value of the same outline whose objects and lists became strings."""
    if isinstance(value, dict) and value:
        return {k: "corrupted" if isinstance(v, dict | list) else v for k, v in value.items()}
    return {"unexpected": True}


async def _oversized(
    fault: Fault, request: web.Request, real: Any, status: int
) -> web.StreamResponse:
    outline = real if isinstance(real, dict) else {}
    base = len(json.dumps({**outline, "padding": ""}).encode())
    payload = json.dumps({**outline, "padding": "x" * max(0, fault.size - base)}).encode()
    if not fault.chunked:
        return web.Response(status=status, body=payload, content_type="application/json")
    stream = web.StreamResponse(status=status)
    stream.content_type = "application/json"
    stream.enable_chunked_encoding()
    try:
        await stream.prepare(request)
        for start in range(0, len(payload), 64 * 1024):
            await stream.write(payload[start : start + 64 * 1024])
        await stream.write_eof()
    except (ConnectionError, RuntimeError):
        pass  # the client stopped reading at its limit, as it should
    return stream
