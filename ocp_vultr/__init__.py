"""Vultr API v2 operations as validated, async tools for AI agents (OCP style).

>>> from ocp_vultr import OCPAgent
>>> async with OCPAgent() as agent:
...     await agent.register_api("vultr")
...     result = await agent.call_tool("createSnapshot", {"instance_id": "…"})
"""

from typing import TYPE_CHECKING, Any

from ._version import __version__
from .agent import OCPAgent, RegisteredApi
from .context import AgentContext, CallRecord
from .errors import (
    ApiError,
    AuthFailedError,
    InvalidArgumentsError,
    InvalidResponseError,
    NetworkError,
    NotFoundError,
    OutcomeUnknownError,
    RateLimitedError,
    RequestTimeoutError,
    ServerError,
    ToolError,
    UnknownToolError,
    WaitTimeoutError,
)
from .manifest import ApiSpec, load_manifest
from .manifest_error import ManifestError
from .result import ToolResult
from .retry import RetryPolicy
from .tool import CompletionSpec, PageSpec, Tool, ToolHints, WaitSpec
from .waiting import PollSchedule, WaitProgress

if TYPE_CHECKING:
    from .providers import PROVIDERS
    from .tool_calls import AnsweredCall

_LAZY = {"PROVIDERS": "providers", "AnsweredCall": "tool_calls"}
"""Imported on first use: registering an API and calling tools needs neither (about 6 ms)."""


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        value = getattr(import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "PROVIDERS",
    "AgentContext",
    "AnsweredCall",
    "ApiError",
    "ApiSpec",
    "AuthFailedError",
    "CallRecord",
    "CompletionSpec",
    "InvalidArgumentsError",
    "InvalidResponseError",
    "ManifestError",
    "NetworkError",
    "NotFoundError",
    "OCPAgent",
    "OutcomeUnknownError",
    "PageSpec",
    "PollSchedule",
    "RateLimitedError",
    "RegisteredApi",
    "RequestTimeoutError",
    "RetryPolicy",
    "ServerError",
    "Tool",
    "ToolError",
    "ToolHints",
    "ToolResult",
    "UnknownToolError",
    "WaitProgress",
    "WaitSpec",
    "WaitTimeoutError",
    "__version__",
    "load_manifest",
]


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
