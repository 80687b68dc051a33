"""Errors a tool call can end in.

Every failure of ``call_tool`` is a :class:`ToolError` with a stable ``code``, a ``message``
written for the model that reads it (what went wrong, what to do next), the HTTP ``status``
where there was one, whether trying again may help (``retryable``) and structured ``details``::

    ToolError
    ├── InvalidArgumentsError   invalid_arguments   the model's arguments break the tool's schema
    ├── UnknownToolError        unknown_tool        no tool of that name is registered
    ├── AuthFailedError         auth_failed         401/403, or no API key configured
    ├── NotFoundError           not_found           404
    ├── RateLimitedError        rate_limited        429 (``retry_after`` in seconds)
    ├── ApiError                api_error           any other 4xx
    ├── ServerError             server_error        5xx
    ├── RequestTimeoutError     timeout             no answer within the timeout
    │   └── WaitTimeoutError    timeout             a wait reached its deadline unfinished
    ├── NetworkError            network_error       connection refused, reset, DNS failure...
    ├── OutcomeUnknownError     outcome_unknown     a create may or may not have happened
    └── InvalidResponseError    invalid_response    the answer does not match its schema

``call_tool`` returns these inside a ``ToolResult``; ``ToolResult.unwrap()`` raises them.
"""

from __future__ import annotations

from typing import Any, ClassVar


class ToolError(Exception):
    """Base of every tool-call failure."""

    code: ClassVar[str] = "tool_error"
    default_retryable: ClassVar[bool] = False

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        retryable: bool | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.retryable = self.default_retryable if retryable is None else retryable
        self.details: dict[str, Any] = dict(details or {})

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description of the error, as a model or a log would want it."""
        out: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "retryable": self.retryable,
        }
        if self.status is not None:
            out["status"] = self.status
        if self.details:
            out["details"] = self.details
        return out

    def __repr__(self) -> str:
        name = type(self).__name__
        return f"{name}(code={self.code!r}, status={self.status!r}, message={self.message!r})"


class InvalidArgumentsError(ToolError):
    """The arguments do not match the tool's input schema; nothing was sent."""

    code = "invalid_arguments"


class UnknownToolError(ToolError):
    """No registered tool has that name; ``details['available']`` lists those that do."""

    code = "unknown_tool"


class AuthFailedError(ToolError):
    """The API key is missing, wrong, or not allowed from this address."""

    code = "auth_failed"


class NotFoundError(ToolError):
    """The resource does not exist (HTTP 404)."""

    code = "not_found"


class RateLimitedError(ToolError):
    """Too many requests (HTTP 429); ``retry_after`` says how long to wait, when known."""

    code = "rate_limited"
    default_retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after
        if retry_after is not None:
            self.details.setdefault("retry_after", retry_after)


class ApiError(ToolError):
    """Vultr refused the request (a 4xx other than 401/403/404/429)."""

    code = "api_error"


class ServerError(ToolError):
    """Vultr failed (HTTP 5xx)."""

    code = "server_error"
    default_retryable = True


class RequestTimeoutError(ToolError):
    """No complete answer arrived within the timeout."""

    code = "timeout"
    default_retryable = True


class WaitTimeoutError(RequestTimeoutError):
    """A wait reached its deadline before the awaited status; ``details['last_status']`` is
    the status last seen. Waiting again with the same arguments may still succeed."""


class NetworkError(ToolError):
    """The connection failed: refused, reset, dropped or unresolvable."""

    code = "network_error"
    default_retryable = True


class OutcomeUnknownError(ToolError):
    """A request that creates something may have reached the server, and nothing confirms it."""

    code = "outcome_unknown"


class InvalidResponseError(ToolError):
    """The answer does not match the schema for its status, or is not the JSON promised."""

    code = "invalid_response"


ERROR_CLASSES: dict[str, type[ToolError]] = {
    cls.code: cls
    for cls in (
        InvalidArgumentsError,
        UnknownToolError,
        AuthFailedError,
        NotFoundError,
        RateLimitedError,
        ApiError,
        ServerError,
        RequestTimeoutError,
        NetworkError,
        OutcomeUnknownError,
        InvalidResponseError,
    )
}
"""Each error code mapped to its class."""
