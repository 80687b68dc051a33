"""Resolving the outcome of a call that may have taken effect, instead of guessing it.

A call that is not safe to repeat and lost its answer after reaching the server is never sent
again. When its tool declares ``recover:`` in the manifest (see :mod:`ocp_vultr.recovery_spec`),
the declared read-only tool looks for what the call would have made: exactly one match is the
call's result, marked recovered; none or several end in an error whose message says what to
check before calling again. Without a declaration the error says the same in general terms.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from .errors import OutcomeUnknownError, ToolError
from .paging import paginate
from .recovery_spec import MAX_LOOKUP_PAGES, RecoverySpec
from .result import ToolResult
from .status_errors import truncate
from .tool import Tool

LookupCall = Callable[[str, Mapping[str, Any]], Awaitable[ToolResult]]
"""Runs one call of the lookup tool (through the normal dispatcher path)."""


@dataclass(frozen=True, slots=True)
class Recovered:
    """The one item the lookup found, shaped as the tool's own answer."""

    data: Any
    lookups: int
    details: dict[str, Any] = field(default_factory=dict)

    def result(self, tool_name: str, *, attempts: int, elapsed: float) -> ToolResult:
        """The call's result: ok, marked recovered, with how it was found in ``metadata``."""
        return ToolResult(
            tool=tool_name,
            ok=True,
            data=self.data,
            attempts=attempts,
            elapsed=elapsed,
            recovered=True,
            metadata={"recovery": {**self.details, "lookups": self.lookups}},
        )


@dataclass(frozen=True, slots=True)
class _Finding:
    """What the lookup found out when it found no single match."""

    text: str
    advice: str
    details: dict[str, Any]


async def resolve_outcome(
    tool: Tool,
    arguments: Mapping[str, Any],
    started: datetime,
    cause: ToolError,
    call: LookupCall,
    find_tool: Callable[[str], Tool | None],
) -> Recovered | ToolError:
    """Look for the effect of a call whose answer was lost; the result, or the error to report.

    ``started`` is when the call began (UTC, this machine's clock); ``cause`` why its answer
    was lost; ``call`` runs a tool call and ``find_tool`` finds a registered tool by name. A
    tool without a ``recover`` declaration gets the general error at once.
    """
    spec = tool.recovery
    if spec is None:
        return unresolved_error(tool, cause, None)
    missing = [name for name in spec.call_arguments_used() if name not in arguments]
    since = started - timedelta(seconds=spec.clock_skew)
    if missing:
        return unresolved_error(tool, cause, _without_arguments(spec, tool, missing, since))
    found = await _look(spec, tool, arguments, since, call, find_tool(spec.lookup))
    if isinstance(found, _Finding):
        return unresolved_error(tool, cause, found)
    matches, lookups = found
    details = {"cause": cause.code, "lookup": spec.lookup, "since": _iso(since)}
    if len(matches) == 1:
        data = {spec.result_key: matches[0]} if spec.result_key else matches[0]
        if _fits_answer(tool, data):
            return Recovered(data, lookups, details)
    return unresolved_error(tool, cause, _not_one(spec, tool, arguments, since, matches))


async def _look(
    spec: RecoverySpec,
    tool: Tool,
    arguments: Mapping[str, Any],
    since: datetime,
    call: LookupCall,
    lookup_tool: Tool | None,
) -> tuple[list[Any], int] | _Finding:
    """Every item on every page of the lookup that matches the rules; or why the look failed."""
    if lookup_tool is None:
        return _lookup_failed(spec, tool, arguments, since, "that tool is not registered")
    pages = 0

    async def counted(name: str, query: Mapping[str, Any]) -> ToolResult:
        nonlocal pages
        pages += 1
        return await call(name, query)

    query = spec.lookup_arguments(arguments)
    matches: list[Any] = []
    try:
        async for item in paginate(counted, lookup_tool, query, max_pages=MAX_LOOKUP_PAGES):
            if _matches(spec, item, arguments, since):
                matches.append(item)
    except ToolError as failed:
        reason = f"it failed: {truncate(failed.message, 200)}"
        return _lookup_failed(spec, tool, arguments, since, reason)
    return matches, pages


def _matches(spec: RecoverySpec, item: Any, arguments: Mapping[str, Any], since: datetime) -> bool:
    if not isinstance(item, dict):
        return False
    for rule in spec.match:
        value = item.get(rule.field)
        if rule.equals_argument is not None and value != arguments[rule.equals_argument]:
            return False
        if rule.since_call_start:
            when = _timestamp(value)
            if when is None or when < since:
                return False
    return True


def _timestamp(value: Any) -> datetime | None:
    """An ISO 8601 timestamp as an aware datetime (UTC when it names no zone), or None."""
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _fits_answer(tool: Tool, data: Any) -> bool:
    """Whether ``data`` is a valid body of one of the tool's success answers."""
    return any(
        spec.validator is not None and spec.validator.is_valid(data)
        for spec in tool.responses.values()
    )


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _criteria(spec: RecoverySpec, arguments: Mapping[str, Any], since: datetime) -> str:
    parts: list[str] = []
    for rule in spec.match:
        if rule.equals_argument is not None:
            value = arguments[rule.equals_argument]
            parts.append(f"{rule.field} {json.dumps(value, ensure_ascii=False)}")
        if rule.since_call_start:
            parts.append(f"{rule.field} at or after {_iso(since)}")
    return " and ".join(parts)


def _lookup_call(spec: RecoverySpec, arguments: Mapping[str, Any]) -> str:
    query = json.dumps(spec.lookup_arguments(arguments), ensure_ascii=False)
    return f"{spec.lookup} with {query}"


def _lookup_failed(
    spec: RecoverySpec, tool: Tool, arguments: Mapping[str, Any], since: datetime, why: str
) -> _Finding:
    criteria = _criteria(spec, arguments, since)
    return _Finding(
        f"Looking for it with {spec.lookup} did not settle it: {why}.",
        f"call {_lookup_call(spec, arguments)} and look for an item with {criteria}; "
        f"only if there is none, call {tool.name} again",
        {"lookup": spec.lookup, "found": None},
    )


def _without_arguments(
    spec: RecoverySpec, tool: Tool, missing: list[str], since: datetime
) -> _Finding:
    names = " and ".join(repr(name) for name in missing)
    return _Finding(
        f"It was called without {names}, so what it made cannot be told apart from other items.",
        f"call {spec.lookup} and look for an item created at or after {_iso(since)}; only if "
        f"there is none, call {tool.name} again, and pass {names} so that a lost answer can "
        "be found",
        {"lookup": spec.lookup, "missing_arguments": missing},
    )


def _not_one(
    spec: RecoverySpec,
    tool: Tool,
    arguments: Mapping[str, Any],
    since: datetime,
    matches: list[Any],
) -> _Finding:
    criteria = _criteria(spec, arguments, since)
    ids = [str(item["id"]) for item in matches if isinstance(item.get("id"), str | int)]
    if not matches:
        return _Finding(
            f"{spec.lookup} shows no item with {criteria} yet; it may still appear.",
            f"in a minute, call {_lookup_call(spec, arguments)} and look for an item with "
            f"{criteria}; only if there is still none, call {tool.name} again",
            {"lookup": spec.lookup, "found": 0},
        )
    listed = f" (ids: {', '.join(ids)})" if ids else ""
    return _Finding(
        f"{spec.lookup} shows {len(matches)} items with {criteria}{listed}; this call may have "
        "made any of them.",
        "check those items (delete any you do not need) rather than creating another; "
        f"call {tool.name} again only if none of them is what you wanted",
        {"lookup": spec.lookup, "found": len(matches), "candidates": ids},
    )


def unresolved_error(tool: Tool, cause: ToolError, finding: _Finding | None) -> ToolError:
    """The error of a call whose effect is unknown (or known but whose answer is unusable)."""
    if finding is None:
        finding = _Finding(
            "",
            "first list the existing resources and look for one created in the last minutes; "
            f"only if there is none, call {tool.name} again",
            {},
        )
    took_effect = cause.status is not None and 200 <= cause.status < 300
    if took_effect:
        opening = (
            f"{tool.name} took effect (HTTP {cause.status}), but its answer could not be used: "
            f"{cause.message}"
        )
    else:
        opening = (
            f"{tool.name} may have taken effect: {_what_happened(cause)}, and nothing confirms "
            "whether it did."
        )
    message = f"{opening} {finding.text} Do not call {tool.name} again yet: {finding.advice}."
    details = {**cause.details, "cause": cause.code, **finding.details}
    error_class = type(cause) if took_effect else OutcomeUnknownError
    return error_class(" ".join(message.split()), status=cause.status, details=details)


def _what_happened(cause: ToolError) -> str:
    if cause.code == "timeout":
        return "the request was sent but no answer came in time"
    if cause.code == "network_error":
        return "the connection broke after the request was sent"
    said = cause.details.get("server_message")
    return f"the server answered HTTP {cause.status}" + (f" ({said})" if said else "")
