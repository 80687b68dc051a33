"""JSON Pointers (RFC 6901), as the manifest uses them to name a field of a response."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

_MISSING = object()


def _tokens(pointer: str) -> list[str]:
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"a JSON pointer starts with '/': {pointer!r}")
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]


def resolve(document: Any, pointer: str, default: Any = _MISSING) -> Any:
    """The value at ``pointer`` in ``document``; ``default`` (or ``LookupError``) if absent."""
    node = document
    for token in _tokens(pointer):
        if isinstance(node, Mapping) and token in node:
            node = node[token]
        elif (
            isinstance(node, Sequence)
            and not isinstance(node, str)
            and token.isdigit()
            and int(token) < len(node)
        ):
            node = node[int(token)]
        else:
            if default is _MISSING:
                raise LookupError(f"nothing at {pointer!r}")
            return default
    return node
