"""What every provider shape shares: reading call objects, arguments and result payloads."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import InvalidArgumentsError

if TYPE_CHECKING:
    from ..result import ToolResult
    from ..tool import Tool

_META_KEYS = ("$schema", "$id", "title")


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A model's request to run one tool, read from a provider's tool-call object."""

    name: str
    arguments: Any
    """The arguments as the provider gave them: a JSON string, an object, or nothing."""
    call_id: str | None = None


def field(obj: Any, *names: str) -> Any:
    """The first of ``names`` present on ``obj`` (a mapping or an SDK object), else ``None``."""
    for name in names:
        if isinstance(obj, Mapping):
            if name in obj:
                return obj[name]
        elif hasattr(obj, name):
            return getattr(obj, name)
    return None


def call_name(obj: Any, *names: str) -> str:
    """The tool name in a call object; a call without one is a programming error."""
    name = field(obj, *names)
    if not isinstance(name, str) or not name:
        raise ValueError(f"not a tool call: no {' or '.join(names)} in {type(obj).__name__}")
    return name


def optional_id(obj: Any, *names: str) -> str | None:
    """The call id in a call object, if it has one."""
    value = field(obj, *names)
    return value if isinstance(value, str) and value else None


def plain_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A schema without the document-level keys providers do not want (``$schema``…)."""
    return {k: v for k, v in schema.items() if k not in _META_KEYS}


def function_definition(tool: Tool) -> dict[str, Any]:
    """The plain function definition: ``name``, ``description``, ``parameters``."""
    return {
        "name": tool.name,
        "description": tool.description,
        "parameters": plain_schema(tool.input_schema),
    }


def read_arguments(raw: Any, tool: Tool | None, name: str) -> Any:
    """The call's arguments as an object; raises InvalidArgumentsError for malformed JSON.

    ``None`` and an empty string mean no arguments. Anything that is not a JSON string is
    passed on as it is, for the dispatcher's validation to judge.
    """
    if raw is None:
        return {}
    if isinstance(raw, str | bytes):
        text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
        if not text.strip():
            return {}
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidArgumentsError(
                f"The arguments for {name} are not valid JSON ({exc.msg} at line {exc.lineno} "
                f"column {exc.colno}). Send one JSON object of named arguments, for example "
                f"{_example(tool)}; nothing was sent.",
                details={"json_error": exc.msg, "position": exc.pos},
            ) from None
    if isinstance(raw, Mapping):
        return dict(raw)
    return raw


def _example(tool: Tool | None) -> str:
    if tool is None:
        return '{"name": "value"}'
    schema = tool.input_validator.schema
    names = list(schema.get("required") or []) or list(schema.get("properties") or {})[:1]
    return json.dumps({name: "…" for name in names}, ensure_ascii=False)


def result_payload(result: ToolResult) -> dict[str, Any]:
    """What a model is told about a result: the data, or the error's code and message."""
    if result.error is None:
        out: dict[str, Any] = {"ok": True, "status": result.status, "data": result.data}
        if result.recovered:
            out["recovered"] = True
        return out
    error = result.error
    said: dict[str, Any] = {
        "code": error.code,
        "message": error.message,
        "retryable": error.retryable,
    }
    if error.status is not None:
        said["status"] = error.status
    if "retry_after" in error.details:
        said["retry_after"] = error.details["retry_after"]
    return {"ok": False, "error": said}


def to_json(value: Any) -> str:
    """Compact JSON text, as sent back to a model."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def result_text(result: ToolResult) -> str:
    """:func:`result_payload` as JSON text."""
    return to_json(result_payload(result))
