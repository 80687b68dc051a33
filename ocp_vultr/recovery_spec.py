"""How a tool's lost answer is looked for, as its manifest entry declares it (``recover:``).

A call that creates something and loses its answer (timeout after sending, connection dropped,
5xx) is never sent again. Instead the dispatcher looks through every page of a read-only list
tool of the same API (its own ``pagination`` says where the items and the next cursor are) for
what the call would have made, and accepts exactly one match::

    recover:
      lookup: listSnapshots                 # read-only list tool to look with
      arguments:                            # its arguments
        description: {from_argument: description}
        per_page: {value: 500}
      match:                                # every rule must hold for a match
        - {field: description, equals_argument: description}
        - {field: date_created, since_call_start: true}
      clock_skew_seconds: 120               # allowed difference between our clock and the API's
      result_key: snapshot                  # the match is returned as {"snapshot": match}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

DEFAULT_CLOCK_SKEW = 120.0
MAX_LOOKUP_PAGES = 10
"""Pages of the lookup looked through at most; with more, the outcome stays unknown."""


@dataclass(frozen=True, slots=True)
class ArgumentSource:
    """Where a lookup argument's value comes from: the call's argument, or a fixed value."""

    from_argument: str | None = None
    value: Any = None


@dataclass(frozen=True, slots=True)
class MatchRule:
    """One condition on a candidate's ``field``."""

    field: str
    equals_argument: str | None = None
    """The field must equal this argument of the call."""
    since_call_start: bool = False
    """The field is a timestamp at or after the call's start, less the allowed clock skew."""


@dataclass(frozen=True, slots=True)
class RecoverySpec:
    """A tool's declared way of finding out whether a call whose answer was lost took effect."""

    lookup: str
    arguments: MappingProxyType[str, ArgumentSource]
    match: tuple[MatchRule, ...]
    clock_skew: float = DEFAULT_CLOCK_SKEW
    result_key: str | None = None

    @classmethod
    def from_manifest(cls, entry: Mapping[str, Any]) -> RecoverySpec:
        """The spec of a manifest ``recover`` block (already checked against the format)."""
        arguments = {
            name: ArgumentSource(source.get("from_argument"), source.get("value"))
            for name, source in entry.get("arguments", {}).items()
        }
        return cls(
            lookup=entry["lookup"],
            arguments=MappingProxyType(arguments),
            match=tuple(
                MatchRule(
                    rule["field"],
                    rule.get("equals_argument"),
                    bool(rule.get("since_call_start", False)),
                )
                for rule in entry["match"]
            ),
            clock_skew=float(entry.get("clock_skew_seconds", DEFAULT_CLOCK_SKEW)),
            result_key=entry.get("result_key"),
        )

    def call_arguments_used(self) -> list[str]:
        """The call's own arguments the lookup and the match rules need, in declared order."""
        names = [s.from_argument for s in self.arguments.values() if s.from_argument]
        names += [rule.equals_argument for rule in self.match if rule.equals_argument]
        return list(dict.fromkeys(names))

    def lookup_arguments(self, call_arguments: Mapping[str, Any]) -> dict[str, Any]:
        """The lookup's arguments for a call made with ``call_arguments``."""
        return {
            name: call_arguments[source.from_argument] if source.from_argument else source.value
            for name, source in self.arguments.items()
        }
