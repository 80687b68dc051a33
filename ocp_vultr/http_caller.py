"""Sending requests with aiohttp: one session per agent, auth, timeouts, limits and retries.

The caller returns the final HTTP answer (whatever its status) or raises a
:class:`~ocp_vultr.errors.ToolError` for a request that got no answer. It knows, for every
failed attempt, whether the request may have reached the server: the request headers having
been written is the line. A request that never got that far is safe to send again; a POST
that did is never resent (see :mod:`ocp_vultr.retry`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import aiohttp
from yarl import URL

from ._version import __version__
from .errors import NetworkError, RequestTimeoutError, ToolError
from .rate_limit import SlidingWindowLimiter
from .request import HttpRequest
from .retry import RetryPolicy
from .secret import ApiKey
from .status_errors import parse_retry_after

logger = logging.getLogger("ocp_vultr.http")

USER_AGENT = f"ocp-vultr/{__version__}"


@dataclass(frozen=True, slots=True)
class HttpSettings:
    """Limits of the HTTP layer."""

    timeout: float = 30.0
    """Seconds for one attempt, from sending to the last byte of the answer."""
    connect_timeout: float = 10.0
    """Seconds to open a connection."""
    max_connections: int = 32
    """Connections open at once, across all calls of one agent."""
    max_response_bytes: int = 8 * 1024 * 1024
    """Largest answer body read; a larger one fails the call as ``invalid_response``."""

    def __post_init__(self) -> None:
        if self.timeout <= 0 or self.connect_timeout <= 0:
            raise ValueError("timeouts must be positive")
        if self.max_connections < 1 or self.max_response_bytes < 1:
            raise ValueError("max_connections and max_response_bytes must be positive")


@dataclass(frozen=True, slots=True)
class HttpResponse:
    """A complete HTTP answer."""

    status: int
    content_type: str
    body: bytes
    retry_after: float | None
    attempts: int
    reached_server: bool = True

    def text(self) -> str:
        """The body decoded as UTF-8 (undecodable bytes replaced)."""
        return self.body.decode("utf-8", errors="replace")


class ResponseTooLarge(Exception):
    """An answer body was larger than ``max_response_bytes``."""

    def __init__(self, status: int, limit: int) -> None:
        super().__init__(f"response body larger than {limit} bytes")
        self.status = status
        self.limit = limit


class _AttemptFailed(Exception):
    def __init__(self, error: ToolError, reached_server: bool) -> None:
        super().__init__(error.message)
        self.error = error
        self.reached_server = reached_server


async def _on_request_start(
    session: aiohttp.ClientSession, ctx: SimpleNamespace, params: Any
) -> None:
    progress = ctx.trace_request_ctx
    if isinstance(progress, SimpleNamespace):
        progress.headers_sent = False


async def _on_headers_sent(
    session: aiohttp.ClientSession, ctx: SimpleNamespace, params: Any
) -> None:
    progress = ctx.trace_request_ctx
    if isinstance(progress, SimpleNamespace):
        progress.headers_sent = True


def _trace_config() -> aiohttp.TraceConfig:
    config = aiohttp.TraceConfig()
    config.on_request_start.append(_on_request_start)
    config.on_request_headers_sent.append(_on_headers_sent)
    return config


class HttpCaller:
    """Owns the agent's aiohttp session and sends requests through it."""

    def __init__(self, settings: HttpSettings, retry: RetryPolicy) -> None:
        self.settings = settings
        self.retry = retry
        # Built once (the settings are frozen; ClientTimeout is immutable): ~0.8 µs per attempt.
        self._timeout = aiohttp.ClientTimeout(
            total=settings.timeout, sock_connect=settings.connect_timeout
        )
        self._session: aiohttp.ClientSession | None = None
        self._closed = False

    @property
    def closed(self) -> bool:
        """Whether :meth:`aclose` was called."""
        return self._closed

    @property
    def session(self) -> aiohttp.ClientSession | None:
        """The session, once the first request created it."""
        return self._session

    def _ensure_session(self) -> aiohttp.ClientSession:
        if self._closed:
            raise RuntimeError("this agent is closed; create a new OCPAgent")
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.settings.max_connections),
                headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
                trace_configs=[_trace_config()],
                raise_for_status=False,
            )
        return self._session

    async def aclose(self) -> None:
        """Close the session and its connections. The caller cannot be used afterwards."""
        self._closed = True
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def send(
        self,
        request: HttpRequest,
        key: ApiKey,
        *,
        limiter: SlidingWindowLimiter | None = None,
        headers: dict[str, str] | None = None,
    ) -> HttpResponse:
        """Send ``request`` with retries; the final answer, or the failure as a ToolError."""
        session = self._ensure_session()
        started = time.monotonic()
        attempt = 0
        while True:
            attempt += 1
            if limiter is not None:
                await limiter.acquire()
            try:
                response = await self._attempt(session, request, key, headers, attempt)
            except _AttemptFailed as failed:
                if not self._should_retry(request, attempt, started, None, failed.reached_server):
                    failed.error.details["attempts"] = attempt
                    failed.error.details["reached_server"] = failed.reached_server
                    raise failed.error from None
                await asyncio.sleep(self._capped(self.retry.backoff(attempt), started))
                continue
            if response.status == 429 and limiter is not None:
                limiter.pause(response.retry_after if response.retry_after is not None else 1.0)
            if response.status in (429, 502, 503, 504) and self._should_retry(
                request, attempt, started, response.status, True, response.retry_after
            ):
                await asyncio.sleep(
                    self._capped(self.retry.backoff(attempt, response.retry_after), started)
                )
                continue
            return response

    def _should_retry(
        self,
        request: HttpRequest,
        attempt: int,
        started: float,
        status: int | None,
        reached_server: bool,
        retry_after: float | None = None,
    ) -> bool:
        if attempt >= self.retry.max_attempts:
            return False
        if not self.retry.may_resend(request.method, status=status, reached_server=reached_server):
            return False
        if retry_after is not None and retry_after > self.retry.max_retry_after:
            return False
        return time.monotonic() - started < self.retry.deadline

    def _capped(self, delay: float, started: float) -> float:
        remaining = self.retry.deadline - (time.monotonic() - started)
        return max(0.0, min(delay, remaining))

    async def _attempt(
        self,
        session: aiohttp.ClientSession,
        request: HttpRequest,
        key: ApiKey,
        extra_headers: dict[str, str] | None,
        attempt: int,
    ) -> HttpResponse:
        headers = {"Authorization": f"Bearer {key.reveal()}"}
        if extra_headers:
            headers.update(extra_headers)
        body = request.body_bytes()
        if body is not None:
            headers["Content-Type"] = "application/json"
        progress = SimpleNamespace(headers_sent=None)
        logger.debug("%s %s (attempt %d)", request.method, request.full_url, attempt)
        began = time.monotonic()
        try:
            async with session.request(
                request.method,
                URL(request.url, encoded=True),
                params=request.query or None,
                data=body,
                headers=headers,
                timeout=self._timeout,
                trace_request_ctx=progress,
                allow_redirects=False,
            ) as resp:
                data = await self._read_limited(resp)
                content_type = resp.headers.get("Content-Type", "")
                retry_after = parse_retry_after(resp.headers.get("Retry-After"))
                status = resp.status
        except ResponseTooLarge:
            raise
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            reached = _reached_server(progress.headers_sent, exc)
            error = _failure_error(exc, request, key, self.settings)
            logger.debug(
                "%s %s failed after %.3fs: %s (reached server: %s)",
                request.method,
                request.url,
                time.monotonic() - began,
                error.code,
                reached,
            )
            raise _AttemptFailed(error, reached) from None
        logger.debug(
            "%s %s -> %d in %.3fs", request.method, request.url, status, time.monotonic() - began
        )
        return HttpResponse(status, content_type, data, retry_after, attempt)

    async def _read_limited(self, resp: aiohttp.ClientResponse) -> bytes:
        limit = self.settings.max_response_bytes
        declared = resp.content_length
        if declared is not None and declared > limit:
            raise ResponseTooLarge(resp.status, limit)
        chunks: list[bytes] = []
        size = 0
        async for chunk in resp.content.iter_chunked(64 * 1024):
            size += len(chunk)
            if size > limit:
                raise ResponseTooLarge(resp.status, limit)
            chunks.append(chunk)
        return b"".join(chunks)


def _reached_server(headers_sent: bool | None, exc: BaseException) -> bool:
    """Whether a failed request may have reached the server."""
    if headers_sent is not None:
        return headers_sent
    # No trace ran (a mocked session): judge by the exception alone.
    return not isinstance(exc, aiohttp.ClientConnectorError | aiohttp.ConnectionTimeoutError)


def _failure_error(
    exc: BaseException, request: HttpRequest, key: ApiKey, settings: HttpSettings
) -> ToolError:
    detail = key.redact(str(exc) or type(exc).__name__)
    details: dict[str, Any] = {"exception": type(exc).__name__}
    if isinstance(exc, TimeoutError):
        return RequestTimeoutError(
            f"{request.tool_name} got no answer within {settings.timeout:g} seconds. "
            "The service may be slow or unreachable; try again later.",
            details=details,
        )
    return NetworkError(
        f"{request.tool_name} could not reach {URL(request.url).host}: {detail}. "
        "Check the network and the base URL; try again later.",
        details=details,
    )
