"""The call-path savings of issue 6 keep the behaviour they replace.

Real HTTP on 127.0.0.1: the body sent is byte for byte what it was, answers are read whole
and the answer limit holds whether the answer declares its length, streams it in chunks or
compresses it, the per-attempt timeout (now built once per agent) still applies on every
call, and the manifest loads the same with libyaml as without it.
"""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from aiohttp import web

from ocp_vultr import ManifestError, OCPAgent
from ocp_vultr import manifest as manifest_module

KEY = "TESTKEY0123456789"
LIMIT = 2000
SNAPSHOT = {
    "id": "5359435d-28b8-4d1b-8d87-1a8c1b6e1a2b",
    "date_created": "2026-11-26T12:00:00+00:00",
    "description": "nächtlich ✓",
    "size": 0,
    "compressed_size": 0,
    "status": "pending",
    "os_id": 215,
    "app_id": 0,
}
LARGE = json.dumps({"snapshot": {**SNAPSHOT, "padding": "x" * (LIMIT * 4)}}).encode()


class Server:
    """A local server whose first path segment picks how it answers."""

    def __init__(self) -> None:
        self.received: list[tuple[str, dict[str, str], bytes]] = []
        self.base = ""

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        self.received.append((request.path, dict(request.headers), body))
        mode = request.match_info["mode"]
        if mode == "slow":
            await asyncio.sleep(2)
        if mode == "large":
            return web.Response(status=201, body=LARGE, content_type="application/json")
        if mode in ("gzip", "gzip-large"):
            plain = LARGE if mode == "gzip-large" else json.dumps({"snapshot": SNAPSHOT}).encode()
            return web.Response(
                status=201,
                body=gzip.compress(plain),
                headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
            )
        if mode in ("chunked", "chunked-large"):
            plain = (
                LARGE if mode == "chunked-large" else json.dumps({"snapshot": SNAPSHOT}).encode()
            )
            response = web.StreamResponse(status=201, headers={"Content-Type": "application/json"})
            response.enable_chunked_encoding()
            await response.prepare(request)
            for start in range(0, len(plain), 500):
                await response.write(plain[start : start + 500])
            await response.write_eof()
            return response
        return web.json_response({"snapshot": SNAPSHOT}, status=201)


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    state = Server()
    app = web.Application()
    app.router.add_post("/{mode}/v2/snapshots", state.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    state.base = f"http://{host}:{port}"
    yield state
    await runner.cleanup()


async def _call(server: Server, mode: str, **agent_options: Any) -> Any:
    async with OCPAgent(rate_limit=None, max_response_bytes=LIMIT, **agent_options) as agent:
        agent.register_api("vultr", base_url=f"{server.base}/{mode}/v2", api_key=KEY)
        return await agent.call_tool(
            "createSnapshot", {"instance_id": "inst-1", "description": "nächtlich ✓"}
        )


async def test_the_body_sent_is_compact_utf8_json(server: Server) -> None:
    result = await _call(server, "plain")
    assert result.ok
    assert result.data == {"snapshot": SNAPSHOT}
    [(path, headers, body)] = server.received
    assert path == "/plain/v2/snapshots"
    assert body == '{"instance_id":"inst-1","description":"nächtlich ✓"}'.encode()
    assert headers["Content-Type"] == "application/json"
    assert headers["Authorization"] == f"Bearer {KEY}"


@pytest.mark.parametrize("mode", ["plain", "gzip", "chunked"])
async def test_answers_within_the_limit_are_read_whole(server: Server, mode: str) -> None:
    result = await _call(server, mode)
    assert result.ok, result.error
    assert result.status == 201
    assert result.data["snapshot"]["description"] == "nächtlich ✓"
    assert len(server.received) == 1


@pytest.mark.parametrize("mode", ["large", "gzip-large", "chunked-large"])
async def test_answers_over_the_limit_are_refused(server: Server, mode: str) -> None:
    """Declared, streamed, or small on the wire but large once decompressed: all refused."""
    result = await _call(server, mode)
    assert not result.ok
    assert result.error.code == "invalid_response"
    assert f"larger than {LIMIT} bytes" in result.error.message
    assert result.status == 201
    assert len(server.received) == 1


async def test_the_attempt_timeout_applies_to_every_call(server: Server) -> None:
    async with OCPAgent(rate_limit=None, timeout=0.2) as agent:
        agent.register_api("vultr", base_url=f"{server.base}/slow/v2", api_key=KEY)
        for _ in range(2):
            result = await agent.call_tool("createSnapshot", {"instance_id": "inst-1"})
            assert result.error is not None
            # A POST that timed out after it was sent is never resent: its outcome is unknown.
            assert result.error.code == "outcome_unknown"
            assert result.error.details["cause"] == "timeout"
            assert result.attempts == 1
    assert len(server.received) == 2


def test_the_manifest_loads_the_same_with_and_without_libyaml(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = manifest_module.bundled_manifest_path()
    fast = manifest_module.load_manifest(path)
    monkeypatch.setattr(manifest_module, "_FAST_SAFE_LOADER", None)
    slow = manifest_module.load_manifest(path)
    assert fast.tool_names() == slow.tool_names()
    assert (fast.base_url, fast.auth_env, fast.rate_limit) == (
        slow.base_url,
        slow.auth_env,
        slow.rate_limit,
    )
    for a, b in zip(fast.tools, slow.tools, strict=True):
        assert (a.description, a.input_schema, a.method, a.path) == (
            b.description,
            b.input_schema,
            b.method,
            b.path,
        )
    text = path.read_text(encoding="utf-8")
    assert manifest_module._parse_yaml(text) == yaml.safe_load(text)


def test_invalid_yaml_is_reported_as_the_pure_python_parser_reports_it(tmp_path: Path) -> None:
    bad = tmp_path / "manifest.yaml"
    bad.write_text("manifest_version: 1\napi: [unclosed\n  name: x\n", encoding="utf-8")
    with pytest.raises(yaml.YAMLError) as expected:
        yaml.safe_load(bad.read_text(encoding="utf-8"))
    with pytest.raises(ManifestError) as raised:
        manifest_module.load_manifest(bad)
    mark = expected.value.problem_mark  # type: ignore[attr-defined]
    assert f"line {mark.line + 1}" in str(raised.value)
    assert str(expected.value) in str(raised.value)
