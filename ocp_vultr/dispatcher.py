"""The one run path every tool call takes.

lookup → check the arguments against the tool's schema → build the request → send it →
check the answer against the schema for its status → :class:`~ocp_vultr.result.ToolResult`.
Nothing is sent unless the arguments are valid and an API key is configured. API, validation
and network failures come back inside the result; they are never raised.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .errors import (
    AuthFailedError,
    InvalidArgumentsError,
    InvalidResponseError,
    ToolError,
    UnknownToolError,
)
from .http_caller import HttpCaller, HttpResponse, ResponseTooLarge
from .rate_limit import shared_limiter
from .request import HttpRequest, build_request
from .result import ToolResult
from .secret import ApiKey
from .status_errors import error_for_status, truncate
from .tool import Tool
from .validation import Violation, text_violations
from .waiting import PollSchedule, ProgressCallback, poll_arguments, run_wait

if TYPE_CHECKING:  # imported on the first failure that needs it: a cold start does not
    from .recovery import Recovered

logger = logging.getLogger("ocp_vultr.dispatcher")


@dataclass(frozen=True, slots=True)
class ApiBinding:
    """Where and as whom one registered API is called."""

    name: str
    base_url: str
    key: ApiKey | None
    key_env: str
    rate_limit: float | None
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PreparedCall:
    """A call whose arguments passed validation: the tool, its API and the request to send."""

    tool: Tool
    binding: ApiBinding
    request: HttpRequest
    arguments: Mapping[str, Any] = field(default_factory=dict)
    """The validated arguments the request was built from."""


class Dispatcher:
    """Owns the registered tools and runs calls to them."""

    def __init__(
        self,
        caller: HttpCaller,
        poll_schedule: PollSchedule | None = None,
        headers: Callable[[], Mapping[str, str]] | None = None,
        on_result: Callable[[ToolResult, Tool | None], object] | None = None,
    ) -> None:
        self.caller = caller
        self.poll_schedule = poll_schedule or PollSchedule()
        self.headers = headers
        """Makes headers for every request (the agent's OCP headers); the API's own win."""
        self.on_result = on_result
        """Hears of every finished call (the agent's context history)."""
        self._tools: dict[str, tuple[Tool, ApiBinding]] = {}

    def add(self, tools: Iterable[Tool], binding: ApiBinding) -> None:
        """Register ``tools`` of the API ``binding`` describes (replacing that API's old tools)."""
        tools = list(tools)
        for tool in tools:
            owner = self._tools.get(tool.name)
            if owner is not None and owner[1].name != binding.name:
                raise ValueError(
                    f"tool {tool.name!r} of API {binding.name!r} clashes with API {owner[1].name!r}"
                )
        self._tools = {n: tb for n, tb in self._tools.items() if tb[1].name != binding.name}
        for tool in tools:
            self._tools[tool.name] = (tool, binding)

    def tools(self, api_name: str | None = None) -> list[Tool]:
        """The registered tools, optionally of one API, in registration order."""
        return [t for t, b in self._tools.values() if api_name is None or b.name == api_name]

    def get(self, name: str) -> Tool | None:
        """The tool called ``name``, if registered."""
        entry = self._tools.get(name)
        return entry[0] if entry else None

    def binding(self, name: str) -> ApiBinding | None:
        """The API binding of the tool called ``name``, if registered."""
        entry = self._tools.get(name)
        return entry[1] if entry else None

    def prepare(self, name: str, arguments: Any) -> PreparedCall:
        """Look up and validate a call; raises the ToolError that stops it before sending."""
        entry = self._tools.get(name)
        if entry is None:
            raise self._unknown_tool(name)
        tool, binding = entry
        arguments = tool.input_validator.without_optional_nulls(arguments)
        violations = tool.input_validator.violations(arguments) + text_violations(arguments)
        if violations:
            raise _invalid_arguments(tool, violations)
        if tool.wait is not None:  # its request is the one it polls with
            polled = self.prepare(tool.wait.tool, poll_arguments(tool.wait, arguments))
            return PreparedCall(tool, binding, polled.request, arguments)
        request = build_request(tool, arguments, binding.base_url)
        return PreparedCall(tool, binding, request, arguments)

    async def call(
        self, name: str, arguments: Any, *, on_progress: ProgressCallback | None = None
    ) -> ToolResult:
        """Run one tool call; every failure is returned in the result, never raised.

        A wait tool polls its tool within its own bound; ``on_progress`` hears of every look.
        """
        return await self._run(name, arguments, on_progress)

    async def wait(
        self,
        name: str,
        arguments: Any,
        *,
        max_wait: float | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> ToolResult:
        """Run the wait tool ``name`` until done, or until ``max_wait`` seconds (default: the
        tool's own bound) pass, which is then a ``timeout`` error."""
        tool = self.get(name)
        if tool is not None and tool.wait is None:
            waits = ", ".join(t.name for t, _ in self._tools.values() if t.wait) or "none"
            raise ValueError(f"{name!r} is not a wait tool (wait tools: {waits})")
        return await self._run(name, arguments, on_progress, max_wait=max_wait, until_done=True)

    async def _run(
        self,
        name: str,
        arguments: Any,
        on_progress: ProgressCallback | None,
        *,
        max_wait: float | None = None,
        until_done: bool = False,
    ) -> ToolResult:
        result = await self._run_once(
            name, arguments, on_progress, max_wait=max_wait, until_done=until_done
        )
        if self.on_result is not None:
            self.on_result(result, self.get(name))
        return result

    async def _run_once(
        self,
        name: str,
        arguments: Any,
        on_progress: ProgressCallback | None,
        *,
        max_wait: float | None,
        until_done: bool,
    ) -> ToolResult:
        started = time.monotonic()
        started_at = time.time()  # as a datetime only if recovery needs it (0.5 µs per call)
        try:
            prepared = self.prepare(name, arguments)
        except ToolError as refused:
            return ToolResult(
                tool=name, ok=False, error=refused, elapsed=time.monotonic() - started
            )
        if prepared.tool.wait is not None:
            return await run_wait(
                self.call,
                prepared.tool,
                prepared.tool.input_validator.without_optional_nulls(arguments),
                schedule=self.poll_schedule,
                max_wait=max_wait,
                until_done=until_done,
                on_progress=on_progress,
            )
        binding = prepared.binding
        if binding.key is None:
            return ToolResult(tool=name, ok=False, error=_missing_key(binding))
        attempts = 1
        try:
            response = await self.send(prepared, binding.key)
            attempts = response.attempts
            data = _checked_body(prepared.tool, response)
        except ToolError as failure:
            attempts = int(failure.details.get("attempts", attempts))
            outcome = await self._settle(prepared, failure, datetime.fromtimestamp(started_at, UTC))
            elapsed = time.monotonic() - started
            if not isinstance(outcome, ToolError):  # Recovered
                return outcome.result(name, attempts=attempts, elapsed=elapsed)
            error = _redacted(outcome, binding.key)
            return ToolResult(
                tool=name,
                ok=False,
                status=error.status,
                error=error,
                attempts=attempts,
                elapsed=elapsed,
            )
        return ToolResult(
            tool=name,
            ok=True,
            status=response.status,
            data=data,
            attempts=attempts,
            elapsed=time.monotonic() - started,
        )

    async def _settle(
        self, prepared: PreparedCall, failure: ToolError, started_at: datetime
    ) -> Recovered | ToolError:
        """The failure as reported, or, when the call may have taken effect unseen, what
        looking for its effect found (see :mod:`ocp_vultr.recovery`)."""
        if not _effect_unconfirmed(prepared, failure):
            return failure
        from .recovery import Recovered, resolve_outcome

        outcome = await resolve_outcome(
            prepared.tool, prepared.arguments, started_at, failure, self.call, self.get
        )
        logger.debug(
            "%s: answer lost (%s); %s",
            prepared.tool.name,
            failure.code,
            "recovered by a lookup" if isinstance(outcome, Recovered) else outcome.code,
        )
        return outcome

    async def send(self, prepared: PreparedCall, key: ApiKey) -> HttpResponse:
        """Send a prepared call through the shared limiter; a too-large answer is a ToolError."""
        binding = prepared.binding
        if self.headers is None:
            sent: Mapping[str, str] = binding.headers
        elif binding.headers:
            sent = {**self.headers(), **binding.headers}
        else:
            sent = self.headers()  # the caller copies it into each attempt's own headers
        limiter = (
            shared_limiter(binding.base_url, key.fingerprint(), binding.rate_limit)
            if binding.rate_limit
            else None
        )
        try:
            return await self.caller.send(prepared.request, key, limiter=limiter, headers=sent)
        except ResponseTooLarge as too_large:
            raise InvalidResponseError(
                f"The answer to {prepared.tool.name} was larger than {too_large.limit} bytes and "
                "was not read. Narrow the request (for example fewer items per page).",
                status=too_large.status,
            ) from None

    def _unknown_tool(self, name: str) -> UnknownToolError:
        import difflib

        available = list(self._tools)
        close = difflib.get_close_matches(str(name), available, n=3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        listing = ", ".join(available) if available else "none (register an API first)"
        return UnknownToolError(
            f"There is no tool named {truncate(str(name), 80)!r}.{hint} "
            f"Available tools: {listing}.",
            details={"available": available},
        )


def _invalid_arguments(tool: Tool, violations: list[Violation]) -> InvalidArgumentsError:
    listed = "; ".join(str(v) for v in violations)
    return InvalidArgumentsError(
        f"Invalid arguments for {tool.name}: {listed}. Nothing was sent; fix the arguments and "
        "call again.",
        details={"violations": [v.to_dict() for v in violations]},
    )


def _missing_key(binding: ApiBinding) -> AuthFailedError:
    return AuthFailedError(
        f"No API key is configured for {binding.name}: set the environment variable "
        f"{binding.key_env}, or pass the key when registering the API. Nothing was sent.",
        details={"env": binding.key_env},
    )


def _checked_body(tool: Tool, response: HttpResponse) -> Any:
    """The validated body of a success answer; raises the ToolError of any other answer."""
    spec = tool.responses.get(response.status)
    if spec is None:
        if 200 <= response.status < 300:
            raise InvalidResponseError(
                f"{tool.name} got an unexpected success status {response.status}; expected "
                f"{' or '.join(str(s) for s in tool.responses)}.",
                status=response.status,
            )
        raise error_for_status(
            response.status, response.text(), tool_name=tool.name, retry_after=response.retry_after
        )
    if spec.validator is None:
        return None
    if "json" not in response.content_type.lower():
        raise InvalidResponseError(
            f"{tool.name} expected a JSON answer but got content type "
            f"{response.content_type or '(none)'!r}: {truncate(response.text(), 120)!r}",
            status=response.status,
        )
    try:
        body = json.loads(response.body.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InvalidResponseError(
            f"{tool.name} got an answer that is not UTF-8 text (byte {exc.start}).",
            status=response.status,
        ) from None
    except json.JSONDecodeError as exc:
        raise InvalidResponseError(
            f"{tool.name} got an answer that is not valid JSON ({exc.msg} at position {exc.pos}).",
            status=response.status,
        ) from None
    violations = spec.validator.violations(body)
    if violations:
        listed = "; ".join(str(v) for v in violations[:10])
        raise InvalidResponseError(
            f"The answer to {tool.name} (HTTP {response.status}) does not match its schema: "
            f"{listed}.",
            status=response.status,
            details={"violations": [v.to_dict() for v in violations]},
        )
    return body


def _effect_unconfirmed(prepared: PreparedCall, error: ToolError) -> bool:
    """Whether a failed call that is unsafe to repeat may have taken effect unseen.

    That is a request that reached the server and got no usable answer (timeout, dropped
    connection, 5xx), or a success status whose body could not be used.
    """
    if prepared.request.resend_safe:
        return False
    if error.code in ("timeout", "network_error"):
        return bool(error.details.get("reached_server", True))
    if error.code == "invalid_response":
        return error.status is not None and 200 <= error.status < 300
    return error.code == "server_error"


def _redacted(error: ToolError, key: ApiKey | None) -> ToolError:
    """``error`` with the API key masked wherever a server or library may have echoed it."""
    if key is None or key.reveal() not in repr(error.to_dict()):
        return error
    redacted = type(error)(
        key.redact(error.message),
        status=error.status,
        retryable=error.retryable,
        details=json.loads(key.redact(json.dumps(error.details, default=str))),
    )
    return redacted
