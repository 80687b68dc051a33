"""A tool's arguments from the command line: ``key=value`` pairs and/or ``--json '{…}'``."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ..errors import InvalidArgumentsError
from ..text_arguments import property_schema, value_from_text
from ..tool import Tool


def parse_arguments(tool: Tool, json_text: str | None, pairs: Sequence[str]) -> dict[str, Any]:
    """The arguments for ``tool``: ``json_text`` (an object), then each ``key=value`` on top.

    A value is read as the type the tool's schema gives its key (``per_page=50`` is a
    number, ``description=50`` the text "50"). Raises InvalidArgumentsError otherwise.
    """
    arguments: dict[str, Any] = {}
    if json_text is not None:
        try:
            value = json.loads(json_text)
        except ValueError as exc:
            raise InvalidArgumentsError(
                f"--json is not valid JSON ({exc}). Nothing was sent."
            ) from None
        if not isinstance(value, dict):
            raise InvalidArgumentsError(
                "--json must be a JSON object of named arguments, for example "
                '\'{"instance_id": "…"}\'. Nothing was sent.'
            )
        arguments.update(value)
    schema = tool.input_validator.schema
    for pair in pairs:
        key, separator, text = pair.partition("=")
        if not separator or not key:
            raise InvalidArgumentsError(
                f"{pair!r} is not key=value (for example snapshot_id=abc). Nothing was sent."
            )
        arguments[key] = value_from_text(text, property_schema(schema, key))
    return arguments
