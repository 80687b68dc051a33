"""Arguments given as text (a query string, a command line) read as the JSON values their
schema expects: ``"50"`` is the integer 50 where the schema wants an integer, and stays the
string ``"50"`` where it wants a string."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def property_schema(schema: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    """The schema of property ``name`` of an object ``schema`` (empty if it has none)."""
    properties = schema.get("properties")
    sub = properties.get(name) if isinstance(properties, Mapping) else None
    return sub if isinstance(sub, Mapping) else {}


def value_from_text(text: str, schema: Mapping[str, Any]) -> Any:
    """``text`` as the value ``schema`` expects: kept as text for a string (or untyped)
    schema, else decoded as JSON; text that is not JSON stays text, for the schema to reject.
    """
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    if "string" in kinds or kind is None:
        return text
    try:
        return json.loads(text)
    except ValueError:
        return text
