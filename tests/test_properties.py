"""Property-based tests (hypothesis): arbitrary arguments and arbitrary answers, every tool.

- Any JSON value as a tool's arguments gives either ``invalid_arguments`` with nothing sent,
  or exactly one request whose path, query and body hold exactly what the schema allows.
- Any Vultr-like answer (any status, content type or body) gives a ToolResult, never an
  exception; an ``ok`` result's data always matches the tool's schema for its status.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote

from aioresponses import aioresponses
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from ocp_vultr.dispatcher import ApiBinding, Dispatcher
from ocp_vultr.http_caller import HttpCaller, HttpSettings
from ocp_vultr.manifest import bundled_manifest_path, load_manifest
from ocp_vultr.request import query_value
from ocp_vultr.result import ToolResult
from ocp_vultr.retry import RetryPolicy
from ocp_vultr.secret import ApiKey
from ocp_vultr.tool import Location, Tool
from ocp_vultr.validation import text_violations
from ocp_vultr.waiting import PollSchedule, poll_arguments

BASE = "https://api.example.test/v2"
ANY_URL = re.compile(r"^https://api\.example\.test/.*$")
SPEC = load_manifest(bundled_manifest_path())
TOOLS = {tool.name: tool for tool in SPEC.tools}
HTTP_TOOLS = sorted(name for name, tool in TOOLS.items() if tool.wait is None)
"""Tools that are one request. A wait tool's answers are those of the tool it polls (drawn
here on its own), and a wait on answers that never finish would take real seconds."""
BINDING = ApiBinding(
    name="vultr",
    base_url=BASE,
    key=ApiKey("property-key"),
    key_env="VULTR_API_KEY",
    rate_limit=None,
)
PROPERTIES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

any_text = st.text(max_size=30) | st.text(
    st.characters(exclude_categories=()), max_size=5
)  # the second may hold lone surrogates, which json.loads lets through
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | any_text
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


def _typed(schema: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    """Values of the declared type, on and around its bounds."""
    kind = schema.get("type")
    if kind == "string":
        typed: st.SearchStrategy[Any] = st.text(
            alphabet=st.characters(codec="utf-8"), max_size=40
        ) | st.sampled_from(["", ".", "..", "a/b", "?x=1", "%2F", "é ü"])
    elif kind == "integer":
        low, high = schema.get("minimum", -10), schema.get("maximum", 10)
        typed = st.integers(min_value=low - 2, max_value=high + 2)
    elif kind == "boolean":
        typed = st.booleans()
    else:
        typed = json_values
    return typed


def arguments_for(tool: Tool) -> st.SearchStrategy[Any]:
    """Arguments of the tool's shape (often valid), noisy ones, plus arbitrary JSON values."""
    schema = tool.input_schema
    properties = schema.get("properties", {})
    required = set(schema.get("required", []))
    typed = st.fixed_dictionaries(
        {name: _typed(properties[name]) for name in required},
        optional={n: _typed(s) for n, s in properties.items() if n not in required},
    )
    noisy = st.fixed_dictionaries(
        {}, optional={name: _typed(schema) | json_values for name, schema in properties.items()}
    )
    extra = st.dictionaries(st.text(max_size=8), json_values, max_size=2)
    with_extra = st.tuples(typed, extra).map(lambda pair: {**pair[1], **pair[0]})
    return typed | noisy | with_extra | json_values


def _run(
    tool: Tool, arguments: Any, answers: dict[str, dict[str, Any]]
) -> tuple[ToolResult, list[Any]]:
    async def call() -> tuple[ToolResult, list[Any]]:
        caller = HttpCaller(HttpSettings(timeout=1.0), RetryPolicy(max_attempts=1))
        dispatcher = Dispatcher(caller, PollSchedule(first_delay=0, min_interval=0.01))
        dispatcher.add(SPEC.tools, BINDING)
        try:
            with aioresponses() as mocked:
                for method, answer in answers.items():
                    mocked.add(ANY_URL, method, repeat=True, **answer)
                result = await dispatcher.call(tool.name, arguments)
                sent = [
                    (method, url, call)
                    for (method, url), calls in (mocked.requests or {}).items()
                    for call in calls
                ]
        finally:
            await caller.aclose()
        return result, sent

    return asyncio.run(call())


def _expected_path(tool: Tool, arguments: Mapping[str, Any]) -> list[str]:
    segments = []
    for segment in ("/v2" + (tool.path or "")).split("/"):
        for name, placement in tool.placements.items():
            if placement.location is Location.PATH and segment == "{" + placement.wire_name + "}":
                segment = query_value(arguments[name])
        segments.append(segment)
    return segments


def _check_request(tool: Tool, arguments: Mapping[str, Any], sent: list[Any]) -> None:
    ((method, url, call),) = sent
    assert method == tool.method
    assert [unquote(s) for s in url.raw_path.split("/")] == _expected_path(tool, arguments)
    query_args = {
        p.wire_name: query_value(arguments[n])
        for n, p in tool.placements.items()
        if p.location is Location.QUERY and n in arguments
    }
    assert sorted(url.query.items()) == sorted(query_args.items())
    body_args = {
        p.wire_name: arguments[n]
        for n, p in tool.placements.items()
        if p.location is Location.BODY and n in arguments
    }
    has_body = any(p.location is Location.BODY for p in tool.placements.values())
    data = call.kwargs.get("data")
    if has_body:
        assert json.loads(data) == body_args
    else:
        assert data is None


@PROPERTIES
@example(data=None, tool_name="createSnapshot").via("a lone surrogate, as json.loads may give")
@given(data=st.data(), tool_name=st.sampled_from(sorted(TOOLS)))
def test_arguments_are_refused_unsent_or_sent_exactly_as_the_schema_allows(
    data: st.DataObject, tool_name: str
) -> None:
    tool = TOOLS[tool_name]
    if data is None:
        arguments: Any = {"instance_id": json.loads('"i-\\ud800"')}
    else:
        arguments = data.draw(arguments_for(tool), label="arguments")
    refusal = {"status": 400, "payload": {"error": "no", "status": 400}}
    result, sent = _run(tool, arguments, {m: refusal for m in ("GET", "POST", "PUT", "DELETE")})
    if tool.input_validator.is_valid(arguments) and not text_violations(arguments):
        event("valid arguments: sent")
        assert result.error is not None, result
        assert result.error.code == "api_error", result
        if tool.wait is not None:  # a wait sends what the tool it polls sends
            _check_request(TOOLS[tool.wait.tool], poll_arguments(tool.wait, arguments), sent)
        else:
            _check_request(tool, arguments, sent)
    else:
        event("invalid arguments: refused")
        assert result.error is not None
        assert result.error.code == "invalid_arguments"
        assert sent == []
        assert result.error.details["violations"]


def _snapshot_like() -> st.SearchStrategy[Any]:
    fields = {
        "id": st.text(max_size=8) | json_values,
        "date_created": st.sampled_from(["2026-11-26T10:00:00+00:00", "yesterday", ""])
        | json_values,
        "description": st.text(max_size=10) | json_values,
        "size": st.integers(min_value=-1, max_value=10**12) | json_values,
        "compressed_size": st.integers(min_value=0, max_value=10**12),
        "status": st.sampled_from(["pending", "complete", "deleted"]) | json_values,
        "os_id": st.integers() | json_values,
        "app_id": st.integers() | json_values,
    }
    return st.fixed_dictionaries({}, optional=fields)


valid_snapshots = st.fixed_dictionaries(
    {
        "id": st.text(min_size=1, max_size=8),
        "date_created": st.sampled_from(["2026-11-26T10:00:00+00:00", "2099-01-01T00:00:00Z"]),
        "description": st.sampled_from(["prop", "p", "other"]),
        "compressed_size": st.integers(min_value=0, max_value=10**12),
        "size": st.integers(min_value=0, max_value=10**12),
        "status": st.sampled_from(["pending", "complete"]),
        "os_id": st.integers(min_value=0, max_value=3000),
        "app_id": st.integers(min_value=0, max_value=3000),
    }
)
vultr_bodies = st.one_of(
    st.builds(lambda s: {"snapshot": s}, valid_snapshots),
    st.builds(
        lambda items: {"snapshots": items, "meta": {"total": len(items), "links": {"next": ""}}},
        st.lists(valid_snapshots, max_size=3),
    ),
    st.builds(lambda s: {"snapshot": s}, _snapshot_like()),
    st.builds(
        lambda items, nxt, total: {
            "snapshots": items,
            "meta": {"total": total, "links": {"next": nxt}},
        },
        st.lists(_snapshot_like(), max_size=3),
        st.sampled_from(["", "c2"]) | json_values,
        st.integers(min_value=-1, max_value=5) | json_values,
    ),
    st.builds(lambda e, s: {"error": e, "status": s}, json_values, json_values),
    st.builds(lambda m: {"message": m}, json_values),
    json_values,
)
arbitrary_answers = st.fixed_dictionaries(
    {
        "status": st.sampled_from([200, 201, 202, 204])
        | st.sampled_from([400, 401, 404, 409, 429, 500, 502, 503, 504]),
        "content_type": st.sampled_from(
            ["application/json", "text/html", "", "application/json; charset=utf-8"]
        ),
        "body": st.one_of(
            vultr_bodies.map(json.dumps),
            st.binary(max_size=64),
            st.text(max_size=64),
        ),
        "headers": st.sampled_from(
            [
                {},
                {"Retry-After": "0"},
                {"Retry-After": "soon"},
                {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"},
            ]
        ),
    }
)


def _valid_body(tool: Tool, status: int) -> st.SearchStrategy[Any]:
    schema = tool.response_schema(status)
    if schema is None:
        return st.just("")
    if "snapshots" in schema.get("properties", {}):
        return st.builds(
            lambda items: {
                "snapshots": items,
                "meta": {"total": len(items), "links": {"next": ""}},
            },
            st.lists(valid_snapshots, max_size=3),
        ).map(json.dumps)
    return st.builds(lambda s: {"snapshot": s}, valid_snapshots).map(json.dumps)


def answers_for(tool: Tool) -> st.SearchStrategy[dict[str, Any]]:
    """A success answer of the tool's own shape, or anything at all."""
    valid = st.sampled_from(sorted(tool.responses)).flatmap(
        lambda status: st.fixed_dictionaries(
            {
                "status": st.just(status),
                "content_type": st.just("application/json"),
                "body": _valid_body(tool, status),
            }
        )
    )
    return valid | arbitrary_answers


@PROPERTIES
@given(data=st.data(), tool_name=st.sampled_from(HTTP_TOOLS))
def test_any_answer_gives_a_result_never_an_exception(data: st.DataObject, tool_name: str) -> None:
    tool = TOOLS[tool_name]
    answer = data.draw(answers_for(tool), label="answer")
    # A lookup after a lost answer (GET listSnapshots) gets an answer of its own.
    lookup = data.draw(answers_for(TOOLS["listSnapshots"]), label="lookup answer")
    arguments: dict[str, Any] = {
        "createSnapshot": {"instance_id": "i-1", "description": "prop"},
        "createSnapshotCreateFromUrl": {"url": "https://example.com/a.raw", "description": "p"},
        "listSnapshots": {"description": "prop"},
        "putSnapshotsSnapshotId": {"snapshot_id": "s-1", "description": "d"},
    }.get(tool_name, {"snapshot_id": "s-1"})
    assert tool.input_validator.is_valid(arguments)
    answers = {method: lookup for method in ("GET", "POST", "PUT", "DELETE")}
    assert tool.method is not None
    answers[tool.method] = answer
    result, sent = _run(tool, arguments, answers)
    assert isinstance(result, ToolResult)
    assert sent
    event(f"ok={result.ok} recovered={result.recovered}")
    if result.ok:
        assert result.error is None
        if result.recovered:
            assert any(
                s.validator is not None and s.validator.is_valid(result.data)
                for s in tool.responses.values()
            )
        else:
            spec = tool.responses[answer["status"]]
            assert spec.validator is None or spec.validator.is_valid(result.data)
    else:
        assert result.error is not None
        assert result.error.code in {
            "auth_failed",
            "not_found",
            "rate_limited",
            "api_error",
            "server_error",
            "outcome_unknown",
            "invalid_response",
        }
        json.dumps(result.to_dict())  # the error is always JSON-ready


def test_an_answer_that_is_not_utf8_is_an_invalid_response() -> None:
    """Found by the property above: bytes that are not UTF-8 once escaped as an exception."""
    tool = TOOLS["listSnapshots"]
    answer = {"status": 200, "content_type": "application/json", "body": b"\x80\x00"}
    result, sent = _run(tool, {}, {"GET": answer})
    assert len(sent) == 1
    assert result.error is not None
    assert result.error.code == "invalid_response"
    assert "not UTF-8 text (byte 0)" in result.error.message
