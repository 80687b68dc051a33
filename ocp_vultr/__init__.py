"""Vultr API v2 operations as validated, async tools for AI agents (OCP style).

>>> from ocp_vultr import OCPAgent
>>> async with OCPAgent() as agent:
...     await agent.register_api("vultr")
...     result = await agent.call_tool("createSnapshot", {"instance_id": "…"})
"""

from ._version import __version__
from .agent import OCPAgent, RegisteredApi
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

__all__ = [
    "ApiError",
    "ApiSpec",
    "AuthFailedError",
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
