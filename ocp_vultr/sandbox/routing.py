"""Which manifest tool a request is for, and its arguments read back out of the request.

The sandbox serves the operations of the same manifest the client uses, so a request is
checked with exactly the schema the client validated against: what the tool would send is
accepted, and anything else is answered 400 as Vultr would.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ..text_arguments import property_schema, value_from_text
from ..tool import Location, Tool
from .patterns import strip_prefix


@dataclass(frozen=True, slots=True)
class RouteMatch:
    """A request matched to a tool, with the values of the path's ``{parameters}``."""

    tool: Tool
    path_values: dict[str, str]


class Router:
    """Matches ``METHOD /path`` to the manifest tools that have an HTTP operation."""

    def __init__(self, tools: Iterable[Tool]) -> None:
        routes = [(tool, _segments(tool.path)) for tool in tools if tool.method and tool.path]
        # Literal segments win over parameters: /snapshots/create-from-url before /{id}.
        self._routes = sorted(routes, key=lambda r: -sum(not _is_param(s) for s in r[1]))

    def match(self, method: str, path: str) -> RouteMatch | Literal[False] | None:
        """The match; ``False`` when the path exists with other methods; ``None`` when not."""
        parts = _segments(strip_prefix(path))
        path_known = False
        for tool, template in self._routes:
            values = _bind(template, parts)
            if values is None:
                continue
            path_known = True
            if tool.method == method.upper():
                return RouteMatch(tool, values)
        return False if path_known else None


def _segments(path: str | None) -> list[str]:
    return [s for s in (path or "").split("/") if s]


def _is_param(segment: str) -> bool:
    return segment.startswith("{") and segment.endswith("}")


def _bind(template: list[str], parts: list[str]) -> dict[str, str] | None:
    if len(template) != len(parts):
        return None
    values: dict[str, str] = {}
    for want, got in zip(template, parts, strict=True):
        if _is_param(want):
            values[want[1:-1]] = got
        elif want != got:
            return None
    return values


def request_arguments(
    match: RouteMatch, query: Mapping[str, str], body: Any
) -> tuple[dict[str, Any], str | None]:
    """The tool arguments a request carries, and a problem with its body (``None``: none).

    Path and query values are read as the schema's types; body fields keep their JSON values,
    and body fields the tool does not know are kept under their own names so the tool's
    closed schema rejects them.
    """
    tool = match.tool
    schema = tool.input_validator.schema
    arguments: dict[str, Any] = {}
    body_names = {
        p.wire_name: name for name, p in tool.placements.items() if p.location is Location.BODY
    }
    for name, placement in tool.placements.items():
        if placement.location is Location.PATH:
            arguments[name] = match.path_values[placement.wire_name]
        elif placement.location is Location.QUERY and placement.wire_name in query:
            text = query[placement.wire_name]
            arguments[name] = value_from_text(text, property_schema(schema, name))
    takes_body = any(p.location is Location.BODY for p in tool.placements.values())
    if not takes_body:
        return arguments, None
    if body is None:
        body = {}
    if not isinstance(body, dict):
        return arguments, "the request body must be a JSON object"
    for wire_name, value in body.items():
        argument = body_names.get(str(wire_name), str(wire_name))
        if argument in arguments:
            return arguments, f"unexpected field {wire_name!r} in the request body"
        arguments[argument] = value
    return arguments, None
