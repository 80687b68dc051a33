"""A canary API key run through the whole fault matrix never shows up anywhere but on the wire.

Not in a result, an error, an exception or its traceback, a repr, a DEBUG log record of
``ocp_vultr``, or anything the agent keeps.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import traceback
from typing import Any

import pytest

from ocp_vultr import OCPAgent, ToolResult
from ocp_vultr.sandbox import Fault, run_sandbox
from ocp_vultr.secret import ApiKey

from .fault_matrix import CASES, Case, run_case
from .reliability_support import CANARY_KEY

ECHOING_CASES = [
    # Servers that echo the key back in their error text must not smuggle it into results.
    Case("400 echoing the key", "POST", Fault.status(400, f"bad token {CANARY_KEY}")),
    Case("500 echoing the key", "POST", Fault.status(500, f"token {CANARY_KEY} broke")),
    Case(
        "GET 404 echoing the key",
        "GET",
        Fault.status(404, f"no {CANARY_KEY}"),
        tool="listSnapshots",
    ),
]


def _texts_of_result(result: ToolResult) -> list[str]:
    texts = [repr(result), str(result), json.dumps(result.to_dict(), default=str)]
    texts.append(json.dumps(result.metadata, default=str))
    texts.append(json.dumps(result.data, default=str))
    if result.error is not None:
        error = result.error
        texts += [error.message, str(error), repr(error), json.dumps(error.to_dict(), default=str)]
        try:
            result.unwrap()
        except Exception as raised:  # the error as a program would see it raised
            texts += [str(raised), repr(raised), "".join(traceback.format_exception(raised))]
    return texts


def _texts_kept_by(value: Any, seen: set[int] | None = None) -> list[str]:
    """Every string and repr reachable from the agent's own (ocp_vultr) objects."""
    seen = set() if seen is None else seen
    if id(value) in seen or isinstance(value, ApiKey):
        return [repr(value)] if isinstance(value, ApiKey) else []
    seen.add(id(value))
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [
            t for k, v in value.items() for t in _texts_kept_by(k, seen) + _texts_kept_by(v, seen)
        ]
    if isinstance(value, list | tuple | set | frozenset):
        return [t for item in value for t in _texts_kept_by(item, seen)]
    if not type(value).__module__.startswith("ocp_vultr"):
        return []
    texts = [repr(value)]
    if dataclasses.is_dataclass(value):
        fields = [getattr(value, f.name) for f in dataclasses.fields(value)]
    else:
        fields = list(getattr(value, "__dict__", {}).values())
    for item in fields:
        texts += _texts_kept_by(item, seen)
    return texts


async def test_the_key_never_leaks_across_the_fault_matrix(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="ocp_vultr")
    texts: list[str] = []
    async with run_sandbox(rate_limit=None, complete_after=None) as sb:
        for case in CASES + ECHOING_CASES:
            result, _, _ = await run_case(sb, case)
            texts += _texts_of_result(result)
        # The key does reach the server, in the Authorization header only: the canary is live.
        assert all(r.headers.get("Authorization") == f"Bearer {CANARY_KEY}" for r in sb.requests)
        assert all(CANARY_KEY not in r.raw_body.decode() for r in sb.requests)
        # The matrix passed the key as api_key=; this agent passes it as a header.
        agent = OCPAgent(timeout=0.5, rate_limit=None)
        agent.register_api(
            "vultr", base_url=sb.base_url, headers={"Authorization": f"Bearer {CANARY_KEY}"}
        )
        async with agent:
            result = await agent.call_tool(
                "createSnapshot", {"instance_id": sb.instance_ids[0], "description": "kept"}
            )
            assert result.ok
            texts += _texts_of_result(result)
            texts += [repr(agent), repr(agent.apis), repr(agent.list_tools())]
            texts += _texts_kept_by(agent)
    assert caplog.records, "DEBUG logging of ocp_vultr was expected to record something"
    for record in caplog.records:
        texts += [record.getMessage(), repr(record.args), record.exc_text or ""]
    leaks = [text for text in texts if CANARY_KEY in text]
    assert leaks == []
    # Echoed keys were masked, not dropped: the message still says what the server said.
    assert any("bad token ***" in text for text in texts)
