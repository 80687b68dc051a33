"""A tool: one HTTP operation, or a wait over one, described as data.

A :class:`Tool` is built from a manifest entry and never changes. It knows its arguments'
schema (compiled once), where each argument goes in the request, and the schema of each
success response. It has no behaviour of its own: every tool runs through the same dispatcher.

Four optional declarations give tools generic behaviour without Python of their own:
:class:`WaitSpec` (a tool that polls another until a field reaches a value; it has no HTTP
operation itself), :class:`PageSpec` (how a list tool pages), :class:`CompletionSpec` (which
wait tool follows an operation that finishes later, and which of its answer's fields to pass)
and :class:`~ocp_vultr.recovery_spec.RecoverySpec` (how to find out whether a call whose
answer was lost took effect).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from .recovery_spec import RecoverySpec
from .validation import SchemaValidator


class Location(StrEnum):
    """Where an argument goes in the HTTP request."""

    PATH = "path"
    QUERY = "query"
    BODY = "body"


@dataclass(frozen=True, slots=True)
class Placement:
    """Where one argument goes: its location and its name on the wire (``snapshot-id``)."""

    location: Location
    wire_name: str


@dataclass(frozen=True, slots=True)
class ToolHints:
    """What a tool does to the world, for clients that gate or annotate tools."""

    read_only: bool = False
    destructive: bool = False
    idempotent: bool = False
    open_world: bool = True


@dataclass(frozen=True, slots=True)
class ResponseSpec:
    """A success status and the validator of its body (``None``: no body, as for 204)."""

    status: int
    validator: SchemaValidator | None


@dataclass(frozen=True, slots=True)
class WaitSpec:
    """A wait: poll ``tool`` until the value at ``field`` (a JSON pointer into its answer) is
    one of ``success``; one of ``failure`` ends the wait as an error of code ``failure_code``.

    The wait tool's arguments, except ``timeout_argument`` (seconds to wait at most, by
    default ``default_timeout``), are passed on to ``tool`` unchanged.
    """

    tool: str
    field: str
    success: tuple[Any, ...]
    timeout_argument: str
    failure: tuple[Any, ...] = ()
    failure_code: str = "api_error"
    default_timeout: float | None = None


@dataclass(frozen=True, slots=True)
class PageSpec:
    """How a list tool pages: the argument that takes a cursor, the JSON pointers of the next
    cursor (empty or absent on the last page) and of the items, and the page-size argument."""

    cursor_argument: str
    next_cursor: str
    items: str
    page_size_argument: str | None = None


@dataclass(frozen=True, slots=True)
class CompletionSpec:
    """How to wait for what an operation started: the wait tool, and for each of its
    arguments the JSON pointer of the value in the operation's answer."""

    wait: str
    arguments: MappingProxyType[str, str]


@dataclass(frozen=True, slots=True, eq=False)
class Tool:
    """One operation of a registered API, as a model sees it and as the dispatcher runs it."""

    name: str
    api_name: str
    operation_id: str | None
    """Vultr's operation id; ``None`` for a tool with no HTTP operation of its own (a wait)."""
    method: str | None
    path: str | None
    description: str
    input_validator: SchemaValidator
    placements: MappingProxyType[str, Placement]
    responses: MappingProxyType[int, ResponseSpec]
    hints: ToolHints = field(default_factory=ToolHints)
    title: str = ""
    """A short human-readable name ("Create snapshot"); empty when none was given."""
    wait: WaitSpec | None = None
    pagination: PageSpec | None = None
    completion: CompletionSpec | None = None
    recovery: RecoverySpec | None = None
    """How a lost answer is looked for, when the manifest declares it (``recover:``)."""

    @property
    def has_http_operation(self) -> bool:
        """Whether the tool is one HTTP request (a wait tool is not: it polls another tool)."""
        return self.method is not None and self.path is not None

    @property
    def input_schema(self) -> dict[str, Any]:
        """The arguments' JSON Schema (a copy: changing it changes nothing)."""
        return copy.deepcopy(dict(self.input_validator.schema))

    def response_schema(self, status: int) -> dict[str, Any] | None:
        """The JSON Schema of the body for a success ``status`` (a copy), if it has one."""
        spec = self.responses.get(status)
        if spec is None or spec.validator is None:
            return None
        return copy.deepcopy(dict(spec.validator.schema))

    def function_definition(self) -> dict[str, Any]:
        """The plain function definition: ``name``, ``description``, ``parameters``."""
        from .providers.common import function_definition

        return function_definition(self)

    def to_openai(self, strict: bool = False) -> dict[str, Any]:
        """An entry of OpenAI Chat Completions ``tools`` (non-strict unless ``strict``)."""
        from .providers import openai_chat

        return openai_chat.definition(self, strict)

    def to_anthropic(self) -> dict[str, Any]:
        """An entry of Anthropic Messages ``tools``."""
        from .providers import anthropic

        return anthropic.definition(self)

    def __repr__(self) -> str:
        if self.wait is not None:
            return f"Tool(name={self.name!r}, waits_on={self.wait.tool!r})"
        return f"Tool(name={self.name!r}, method={self.method!r}, path={self.path!r})"


def title_from_name(name: str) -> str:
    """A readable title made from a tool name: ``createSnapshot`` → ``Create snapshot``."""
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+|[A-Z]", name.replace("_", " "))
    text = " ".join(w if w.isupper() and len(w) > 1 else w.lower() for w in words)
    return text[:1].upper() + text[1:]
