"""Keeping the API key out of everything but the Authorization header."""

from __future__ import annotations

import hashlib

MASK = "***"
MIN_REDACTED_LENGTH = 8


class ApiKey:
    """An API key that never shows itself: ``repr``/``str`` print a mask, not the key."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not value or value != value.strip() or "\n" in value or "\r" in value:
            raise ValueError("an API key must be a non-empty string without spaces or line breaks")
        self._value = value

    def reveal(self) -> str:
        """The key itself, for the Authorization header only."""
        return self._value

    def fingerprint(self) -> str:
        """A short, one-way identifier of the key (to tell keys apart without showing them)."""
        return hashlib.sha256(self._value.encode()).hexdigest()[:12]

    def redact(self, text: str) -> str:
        """``text`` with every occurrence of the key replaced by a mask.

        Keys shorter than :data:`MIN_REDACTED_LENGTH` (placeholders such as ``"k"`` in tests)
        are left alone: masking them would garble ordinary words, and they guard nothing.
        """
        if len(self._value) < MIN_REDACTED_LENGTH or self._value not in text:
            return text
        return text.replace(self._value, MASK)

    def __repr__(self) -> str:
        return f"ApiKey({MASK})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ApiKey) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("an ApiKey cannot be pickled")


def key_from_authorization(value: str) -> ApiKey:
    """The key in an ``Authorization: Bearer <key>`` header value."""
    scheme, _, token = value.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ValueError("the Authorization header must be 'Bearer <API key>'")
    return ApiKey(token.strip())
