"""Following a list tool's cursor across every page, as its manifest ``pagination`` says."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any

from .errors import InvalidResponseError
from .json_pointer import resolve
from .result import ToolResult
from .tool import Tool

MAX_PAGES = 10_000
"""A bound on the pages one iteration follows, so a server that never ends cannot loop us."""


async def paginate(
    call: Callable[[str, Mapping[str, Any]], Awaitable[ToolResult]],
    tool: Tool,
    arguments: Mapping[str, Any] | None = None,
    *,
    page_size: int | None = None,
    max_pages: int = MAX_PAGES,
) -> AsyncIterator[Any]:
    """Every item of every page of ``tool``, calling it through ``call``; a failed page raises
    its :class:`~ocp_vultr.errors.ToolError`."""
    spec = tool.pagination
    if spec is None:
        raise ValueError(f"{tool.name} does not page (no pagination in its manifest entry)")
    current = dict(arguments or {})
    if page_size is not None:
        if spec.page_size_argument is None:
            raise ValueError(f"{tool.name} has no page-size argument")
        current[spec.page_size_argument] = page_size
    seen: set[str] = set()
    for _ in range(max_pages):
        data = (await call(tool.name, current)).unwrap()
        items = resolve(data, spec.items, None)
        if not isinstance(items, list):
            raise InvalidResponseError(f"The answer of {tool.name} has no list at {spec.items}.")
        for item in items:
            yield item
        cursor = resolve(data, spec.next_cursor, "")
        if not cursor:
            return
        if not isinstance(cursor, str) or cursor in seen:
            raise InvalidResponseError(
                f"{tool.name} returned the cursor {cursor!r} again; stopped to avoid a loop."
            )
        seen.add(cursor)
        current[spec.cursor_argument] = cursor
    raise InvalidResponseError(f"{tool.name} had more than {max_pages} pages; stopped there.")
