"""Reading a value out of a JSON document by JSON Pointer (RFC 6901)."""

from __future__ import annotations

from typing import Any

MISSING: Any = object()
"""Returned by :func:`resolve` when the pointer leads nowhere."""


def resolve(document: Any, pointer: str) -> Any:
    """The value at ``pointer`` (``""`` is the whole document), or :data:`MISSING`."""
    if pointer == "":
        return document
    if not pointer.startswith("/"):
        raise ValueError(f"a JSON Pointer starts with '/': {pointer!r}")
    node = document
    for raw in pointer[1:].split("/"):
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return MISSING
    return node
