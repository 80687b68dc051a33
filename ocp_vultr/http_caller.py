"""Sending requests with aiohttp: one session per agent, auth, timeouts, limits and retries.

The caller returns the final HTTP answer (whatever its status) or raises a
:class:`~ocp_vultr.errors.ToolError` for a request that got no answer. It knows, for every
failed attempt, whether the request may have reached the server: a connection having been
opened (or taken from the pool) for it is the line. A request that never got that far is safe
to send again; a POST that did is never resent (see :mod:`ocp_vultr.retry`).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp.connector import Connection
from aiohttp.tracing import Trace
from yarl import URL

from ._version import __version__
from .errors import NetworkError, RequestTimeoutError, ToolError
from .rate_limit import Permit, SlidingWindowLimiter
from .request import HttpRequest
from .retry import RETRYABLE_STATUSES, RetryPolicy
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


class _Progress:
    """How far one attempt got: ``opened`` is ``None`` until the connector is asked for a
    connection, then ``False``, and ``True`` once it has one (it never goes back)."""

    __slots__ = ("opened",)

    def __init__(self) -> None:
        self.opened: bool | None = None


_ATTEMPT: ContextVar[_Progress | None] = ContextVar("ocp_vultr_attempt", default=None)
"""The progress of the attempt running in this task (set around each request)."""


class _MarkingConnector(aiohttp.TCPConnector):
    """A connector that notes in the running attempt's progress when its connection is open.

    Cheaper than a ``TraceConfig`` (which makes aiohttp build trace objects and fire signals
    for every step of every request): measured +27 µs per call for the trace.
    """

    async def connect(
        self,
        req: aiohttp.ClientRequest,
        traces: list[Trace],
        timeout: aiohttp.ClientTimeout,  # noqa: ASYNC109 - aiohttp's signature, overridden
    ) -> Connection:
        progress = _ATTEMPT.get()
        if progress is not None and progress.opened is None:
            progress.opened = False
        connection = await super().connect(req, traces, timeout)
        if progress is not None:
            progress.opened = True
        return connection


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
        self._sleep = asyncio.sleep

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
                connector=_MarkingConnector(limit=self.settings.max_connections),
                headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
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
        headers: Mapping[str, str] | None = None,
    ) -> HttpResponse:
        """Send ``request`` with retries; the final answer, or the failure as a ToolError.

        Everything (waiting for the rate limiter, attempts, backoff) ends within the retry
        policy's ``deadline``. Cancelling the call closes its connection and frees its place.
        """
        call = _Call(self._ensure_session(), request, key, headers, limiter, self.retry.deadline)
        attempt = 0
        while True:
            attempt += 1
            try:
                response = await self._attempt(call, attempt)
            except _AttemptFailed as failed:
                wait = self._retry_wait(call, attempt, None, failed)
                if wait is None:
                    failed.error.details["attempts"] = attempt
                    failed.error.details["reached_server"] = failed.reached_server
                    raise failed.error from None
                await self._sleep(wait)
                continue
            if response.status == 429 and limiter is not None:
                pause = response.retry_after if response.retry_after is not None else 1.0
                limiter.pause(min(pause, self.retry.max_retry_after))
            if response.status in RETRYABLE_STATUSES:
                wait = self._retry_wait(call, attempt, response.status, response)
                if wait is not None:
                    await self._sleep(wait)
                    continue
            return response

    def _retry_wait(
        self,
        call: _Call,
        attempt: int,
        status: int | None,
        outcome: HttpResponse | _AttemptFailed,
    ) -> float | None:
        """Seconds to wait before the next attempt, or ``None`` when there is none."""
        if attempt >= self.retry.max_attempts:
            return None
        if isinstance(outcome, _AttemptFailed):
            if not outcome.error.retryable:
                return None
            reached, retry_after = outcome.reached_server, None
        else:
            reached, retry_after = True, outcome.retry_after
        if not self.retry.may_resend(
            idempotent=call.request.resend_safe, status=status, reached_server=reached
        ):
            return None
        if retry_after is not None and retry_after > self.retry.max_retry_after:
            return None
        wait = self.retry.backoff(attempt, retry_after)
        return wait if wait + self._shortest_attempt < call.remaining() else None

    @property
    def _shortest_attempt(self) -> float:
        """Seconds an attempt needs at least; with less of the deadline left none is started."""
        return min(1.0, self.settings.timeout, self.retry.deadline) / 2

    async def _attempt(self, call: _Call, attempt: int) -> HttpResponse:
        permit = None if call.limiter is None else await self._permit(call, call.limiter)
        progress = _Progress()
        token = _ATTEMPT.set(progress)
        try:
            return await self._exchange(call, attempt, progress)
        finally:
            _ATTEMPT.reset(token)
            if permit is not None:
                permit.release(sent=progress.opened is not False)

    async def _permit(self, call: _Call, limiter: SlidingWindowLimiter) -> Permit:
        """A place under the rate limit, waited for no longer than the call's deadline."""
        permit: Permit | None = None
        try:
            async with asyncio.timeout(call.remaining()):
                permit = await limiter.acquire()
        except TimeoutError:
            pass
        if permit is not None and call.remaining() >= self._shortest_attempt:
            return permit
        if permit is not None:
            permit.release(sent=False)
        error = RequestTimeoutError(
            f"{call.request.tool_name} was not sent: waiting for its turn under the rate limit "
            f"took the call's deadline of {self.retry.deadline:g} seconds. Nothing reached "
            "the server; call again when fewer calls are running.",
            details={"waited_for": "rate_limit"},
        )
        raise _AttemptFailed(error, reached_server=False)

    def _timeout_for(self, limit: float) -> aiohttp.ClientTimeout:
        """The attempt's timeout: the usual one, or ``limit`` when the call's deadline is near."""
        if limit >= self.settings.timeout:
            return self._timeout  # built once: the common case costs nothing
        return aiohttp.ClientTimeout(
            total=limit, sock_connect=min(self.settings.connect_timeout, limit)
        )

    async def _exchange(self, call: _Call, attempt: int, progress: _Progress) -> HttpResponse:
        request, key = call.request, call.key
        headers = {"Authorization": f"Bearer {key.reveal()}"}
        if call.headers:
            headers.update(call.headers)
        body = request.body_bytes()
        if body is not None:
            headers["Content-Type"] = "application/json"
        limit = min(self.settings.timeout, call.remaining())
        timeout = self._timeout_for(limit)
        debug = logger.isEnabledFor(logging.DEBUG)
        if debug:
            logger.debug("%s %s (attempt %d)", request.method, request.full_url, attempt)
        began = time.monotonic()
        try:
            async with call.session.request(
                request.method,
                URL(request.url, encoded=True),
                params=request.query or None,
                data=body,
                headers=headers,
                timeout=timeout,
                allow_redirects=False,
            ) as resp:
                data = await self._read_limited(resp)
                content_type = resp.headers.get("Content-Type", "")
                retry_after = parse_retry_after(resp.headers.get("Retry-After"))
                status = resp.status
        except ResponseTooLarge:
            raise
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            reached = _reached_server(progress.opened, exc)
            cut_short = limit < self.settings.timeout
            error = _failure_error(
                exc, request, key, self.retry.deadline if cut_short else limit, cut_short
            )
            logger.debug(
                "%s %s failed after %.3fs: %s (reached server: %s)",
                request.method,
                request.url,
                time.monotonic() - began,
                error.code,
                reached,
            )
            raise _AttemptFailed(error, reached) from None
        if debug:
            logger.debug(
                "%s %s -> %d in %.3fs",
                request.method,
                request.url,
                status,
                time.monotonic() - began,
            )
        return HttpResponse(status, content_type, data, retry_after, attempt)

    async def _read_limited(self, resp: aiohttp.ClientResponse) -> bytes:
        limit = self.settings.max_response_bytes
        declared = resp.content_length
        if declared is not None and declared > limit:
            raise ResponseTooLarge(resp.status, limit)
        if declared is not None and "Content-Encoding" not in resp.headers:
            # The parser stops at the declared length, already checked: one read is enough.
            return await resp.read()
        chunks: list[bytes] = []
        size = 0
        async for chunk in resp.content.iter_chunked(64 * 1024):
            size += len(chunk)
            if size > limit:
                raise ResponseTooLarge(resp.status, limit)
            chunks.append(chunk)
        return b"".join(chunks)


def _reached_server(opened: bool | None, exc: BaseException) -> bool:
    """Whether a failed request may have reached the server."""
    if opened is not None:
        return opened
    # The connector was never asked (a mocked session): judge by the exception alone.
    return not isinstance(exc, aiohttp.ClientConnectorError | aiohttp.ConnectionTimeoutError)


_NOT_RETRYABLE = (
    aiohttp.InvalidURL,
    aiohttp.ClientConnectorCertificateError,
    aiohttp.ClientSSLError,
)
"""Failures that the same request would meet again."""


def _failure_error(
    exc: BaseException, request: HttpRequest, key: ApiKey, seconds: float, by_deadline: bool
) -> ToolError:
    """The error of an attempt that got no answer: a timeout after ``seconds`` (the call's
    deadline when ``by_deadline``), or a network failure."""
    detail = key.redact(str(exc) or type(exc).__name__)
    details: dict[str, Any] = {"exception": type(exc).__name__}
    if isinstance(exc, TimeoutError):
        within = (
            f"before the call's deadline ({seconds:g} seconds, retries included)"
            if by_deadline
            else f"within {seconds:g} seconds"
        )
        return RequestTimeoutError(
            f"{request.tool_name} got no answer {within}. "
            "The service may be slow or unreachable; try again later.",
            details=details,
        )
    return NetworkError(
        f"{request.tool_name} could not reach {URL(request.url).host}: {detail}. "
        "Check the network and the base URL; try again later.",
        retryable=not isinstance(exc, _NOT_RETRYABLE),
        details=details,
    )


class _Call:
    """One call being sent: what, as whom, through which limiter, and until when."""

    __slots__ = ("_ends", "headers", "key", "limiter", "request", "session")

    def __init__(
        self,
        session: aiohttp.ClientSession,
        request: HttpRequest,
        key: ApiKey,
        headers: Mapping[str, str] | None,
        limiter: SlidingWindowLimiter | None,
        deadline: float,
    ) -> None:
        self.session = session
        self.request = request
        self.key = key
        self.headers = headers
        self.limiter = limiter
        self._ends = time.monotonic() + deadline

    def remaining(self) -> float:
        """Seconds left of the call's deadline (0 when spent)."""
        return max(0.0, self._ends - time.monotonic())
