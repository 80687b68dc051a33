"""Reading ``null`` for an optional argument as "not given".

OpenAI's strict function calling lists every property in ``required`` and lets the model send
``null`` for the optional ones; Vultr rejects such nulls (``"description": null``). Before
validation, the dispatcher removes a ``null`` wherever

- the property is not in its object's ``required`` list, and
- the property's own schema does not accept ``null``.

Everywhere else a ``null`` stays and is validated as usual: a required argument sent as
``null`` is still an error, and a property whose schema allows ``null`` keeps it. The walk
follows ``properties`` and array ``items`` of the tool's input schema; the plan is built once
per schema.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

_ABSENT = object()

AcceptsNull = Callable[[Mapping[str, Any]], bool]
"""Whether a sub-schema (resolved against its root schema) accepts ``null``."""


@dataclass(frozen=True, slots=True)
class NullPlan:
    """Where nulls are dropped in values of one schema."""

    droppable: frozenset[str] = frozenset()
    """Optional properties whose schema rejects null."""
    properties: Mapping[str, NullPlan] = field(default_factory=dict)
    """Plans of the properties that have something to drop inside them."""
    items: NullPlan | None = None
    """Plan of each array item, if items have something to drop."""

    @property
    def empty(self) -> bool:
        """Whether nothing is ever dropped."""
        return not (self.droppable or self.properties or self.items)

    def apply(self, value: Any) -> Any:
        """``value`` without the nulls this plan drops (a new object only where one is dropped)."""
        if isinstance(value, Mapping):
            if not self.properties and not any(
                value.get(key, _ABSENT) is None for key in self.droppable
            ):
                return value  # the common case: no null to drop, nothing inside to look at
            changed = False
            out: dict[str, Any] = {}
            for key, item in value.items():
                if item is None and key in self.droppable:
                    changed = True
                    continue
                sub = self.properties.get(key)
                if sub is not None and item is not None:
                    new = sub.apply(item)
                    changed = changed or new is not item
                    item = new
                out[key] = item
            return out if changed else value
        if isinstance(value, list) and self.items is not None:
            new_items = [self.items.apply(item) for item in value]
            if any(new is not old for new, old in zip(new_items, value, strict=True)):
                return new_items
        return value


def build_plan(schema: Mapping[str, Any], accepts_null: AcceptsNull) -> NullPlan:
    """The null plan of ``schema``."""
    properties = schema.get("properties")
    required = schema.get("required")
    required_names = set(required) if isinstance(required, list) else set()
    droppable: set[str] = set()
    children: dict[str, NullPlan] = {}
    if isinstance(properties, Mapping):
        for name, sub in properties.items():
            if not isinstance(sub, Mapping):
                continue
            if name not in required_names and not accepts_null(sub):
                droppable.add(name)
            child = build_plan(sub, accepts_null)
            if not child.empty:
                children[name] = child
    items_schema = schema.get("items")
    items = build_plan(items_schema, accepts_null) if isinstance(items_schema, Mapping) else None
    return NullPlan(frozenset(droppable), children, None if items is None or items.empty else items)
