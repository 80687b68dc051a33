"""A tool: one HTTP operation described as data.

A :class:`Tool` is built from a manifest entry and never changes. It knows its arguments'
schema (compiled once), where each argument goes in the request, and the schema of each
success response. It has no behaviour of its own: every tool runs through the same dispatcher.
"""

from __future__ import annotations

import copy
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


@dataclass(frozen=True, slots=True, eq=False)
class Tool:
    """One operation of a registered API, as a model sees it and as the dispatcher runs it."""

    name: str
    api_name: str
    operation_id: str
    method: str
    path: str
    description: str
    input_validator: SchemaValidator
    placements: MappingProxyType[str, Placement]
    responses: MappingProxyType[int, ResponseSpec]
    hints: ToolHints = field(default_factory=ToolHints)
    recovery: RecoverySpec | None = None
    """How a lost answer is looked for, when the manifest declares it (``recover:``)."""

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
        return {
            "name": self.name,
            "description": self.description,
            "parameters": _without_meta(self.input_schema),
        }

    def to_openai(self) -> dict[str, Any]:
        """An entry of OpenAI Chat Completions ``tools`` (non-strict)."""
        return {"type": "function", "function": self.function_definition()}

    def to_anthropic(self) -> dict[str, Any]:
        """An entry of Anthropic Messages ``tools``."""
        return {
            "name": self.name,
            "description": self.description,
            "input_schema": _without_meta(self.input_schema),
        }

    def __repr__(self) -> str:
        return f"Tool(name={self.name!r}, method={self.method!r}, path={self.path!r})"


def _without_meta(schema: dict[str, Any]) -> dict[str, Any]:
    """A schema without the document-level keys providers do not accept."""
    return {k: v for k, v in schema.items() if k not in ("$schema", "$id", "title")}
