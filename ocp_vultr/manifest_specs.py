"""The manifest's declarations of generic behaviour: waits, paging, completion and recovery.

Each is read into an immutable spec on its tool (see :mod:`ocp_vultr.tool`), then checked
against the tools it names once all of them are loaded, so a typo fails at load time with the
file and the field, never at call time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .manifest_error import ManifestError
from .recovery_spec import RecoverySpec
from .tool import CompletionSpec, PageSpec, Tool, WaitSpec

HTTP_ONLY_FIELDS = ("operation_id", "method", "path", "arguments", "pagination", "completion")


def wait_spec(
    entry: Mapping[str, Any], input_schema: Mapping[str, Any], where: str, source: Path
) -> WaitSpec | None:
    """The ``wait`` declaration of a manifest entry, if it has one."""
    declared = entry.get("wait")
    if declared is None:
        return None
    for field in HTTP_ONLY_FIELDS:
        if field in entry:
            raise ManifestError(
                source,
                f"{where}.{field}",
                f"a wait tool has no HTTP operation of its own: remove {field!r}",
            )
    timeout_argument = declared["timeout_argument"]
    default = _properties(input_schema).get(timeout_argument, {}).get("default")
    return WaitSpec(
        tool=declared["tool"],
        field=declared["field"],
        success=tuple(declared["success"]),
        timeout_argument=timeout_argument,
        failure=tuple(declared.get("failure", ())),
        failure_code=declared.get("failure_code", "api_error"),
        default_timeout=float(default) if isinstance(default, int | float) else None,
    )


def page_spec(entry: Mapping[str, Any]) -> PageSpec | None:
    """The ``pagination`` declaration of a manifest entry, if it has one."""
    declared = entry.get("pagination")
    if declared is None:
        return None
    return PageSpec(
        cursor_argument=declared["cursor_argument"],
        next_cursor=declared["next_cursor"],
        items=declared["items"],
        page_size_argument=declared.get("page_size_argument"),
    )


def completion_spec(entry: Mapping[str, Any]) -> CompletionSpec | None:
    """The ``completion`` declaration of a manifest entry, if it has one."""
    declared = entry.get("completion")
    if declared is None:
        return None
    return CompletionSpec(declared["wait"], MappingProxyType(dict(declared["arguments"])))


def recovery_spec(entry: Mapping[str, Any]) -> RecoverySpec | None:
    """The ``recover`` declaration of a manifest entry, if it has one."""
    declared = entry.get("recover")
    return None if declared is None else RecoverySpec.from_manifest(declared)


def check_specs(tools: Sequence[Tool], source: Path) -> None:
    """Check every declaration against the tools it names; raise :class:`ManifestError`."""
    by_name = {tool.name: tool for tool in tools}
    for index, tool in enumerate(tools):
        where = f"tools[{index}] ({tool.name})"
        if tool.wait is not None:
            _check_wait(tool, tool.wait, by_name, f"{where}.wait", source)
        if tool.pagination is not None:
            _check_pagination(tool, tool.pagination, f"{where}.pagination", source)
        if tool.completion is not None:
            _check_completion(tool.completion, by_name, f"{where}.completion", source)
        if tool.recovery is not None:
            _check_recovery(tool, tool.recovery, by_name, f"{where}.recover", source)


def _properties(schema: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    properties = schema.get("properties")
    return dict(properties) if isinstance(properties, Mapping) else {}


def _required(schema: Mapping[str, Any]) -> set[str]:
    return set(schema.get("required", []))


def _check_wait(
    tool: Tool, spec: WaitSpec, by_name: Mapping[str, Tool], where: str, source: Path
) -> None:
    polled = by_name.get(spec.tool)
    if polled is None or not polled.has_http_operation:
        raise ManifestError(
            source, f"{where}.tool", f"{spec.tool!r} is not an HTTP tool of this manifest"
        )
    own = _properties(tool.input_validator.schema)
    timeout_schema = own.get(spec.timeout_argument)
    if timeout_schema is None or timeout_schema.get("type") not in ("integer", "number"):
        raise ManifestError(
            source,
            f"{where}.timeout_argument",
            f"{spec.timeout_argument!r} must be a number argument of the wait tool",
        )
    if spec.default_timeout is None and spec.timeout_argument not in _required(
        tool.input_validator.schema
    ):
        raise ManifestError(
            source,
            f"{where}.timeout_argument",
            f"{spec.timeout_argument!r} needs a default in the schema, or must be required",
        )
    passed_on = set(own) - {spec.timeout_argument}
    theirs = polled.input_validator.schema
    for name in sorted(passed_on - set(_properties(theirs))):
        raise ManifestError(source, where, f"argument {name!r} is not an argument of {spec.tool!r}")
    for name in sorted(_required(theirs) - passed_on):
        raise ManifestError(
            source, where, f"{spec.tool!r} requires {name!r}, which the wait does not take"
        )


def _check_pagination(tool: Tool, spec: PageSpec, where: str, source: Path) -> None:
    own = _properties(tool.input_validator.schema)
    for field, name in (
        ("cursor_argument", spec.cursor_argument),
        ("page_size_argument", spec.page_size_argument),
    ):
        if name is not None and name not in own:
            raise ManifestError(
                source, f"{where}.{field}", f"{name!r} is not an argument of {tool.name!r}"
            )


def _check_completion(
    spec: CompletionSpec, by_name: Mapping[str, Tool], where: str, source: Path
) -> None:
    waiter = by_name.get(spec.wait)
    if waiter is None or waiter.wait is None:
        raise ManifestError(source, f"{where}.wait", f"{spec.wait!r} is not a wait tool")
    schema = waiter.input_validator.schema
    for name in sorted(set(spec.arguments) - set(_properties(schema))):
        raise ManifestError(
            source, f"{where}.arguments", f"{name!r} is not an argument of {spec.wait!r}"
        )
    optional = {waiter.wait.timeout_argument}
    for name in sorted(_required(schema) - set(spec.arguments) - optional):
        raise ManifestError(
            source, f"{where}.arguments", f"{spec.wait!r} requires {name!r}; map it"
        )


def _check_recovery(
    tool: Tool, spec: RecoverySpec, by_name: Mapping[str, Tool], where: str, source: Path
) -> None:
    lookup = by_name.get(spec.lookup)
    if lookup is None or lookup is tool:
        raise ManifestError(
            source, f"{where}.lookup", f"{spec.lookup!r} is not another tool of this manifest"
        )
    if not lookup.hints.read_only or lookup.pagination is None:
        raise ManifestError(
            source,
            f"{where}.lookup",
            f"{spec.lookup!r} must be a read-only list tool that declares pagination",
        )
    for name in sorted(set(spec.arguments) - set(lookup.placements)):
        raise ManifestError(
            source, f"{where}.arguments", f"{name!r} is not an argument of {lookup.name}"
        )
    for name in spec.call_arguments_used():
        if name not in tool.placements:
            raise ManifestError(source, where, f"{name!r} is not an argument of {tool.name}")
    if all(response.validator is None for response in tool.responses.values()):
        raise ManifestError(
            source, where, "the tool has no success answer with a schema to recover"
        )
