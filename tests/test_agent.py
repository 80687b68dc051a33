"""OCPAgent: registration, discovery, lifetime, configuration."""

from __future__ import annotations

import dataclasses

import pytest

from ocp_vultr import OCPAgent, RegisteredApi, Tool

from .recording_server import CANARY_KEY, RecordingServer


def test_register_api_works_without_await_and_needs_no_network_or_key() -> None:
    agent = OCPAgent()
    api = agent.register_api("vultr")
    assert isinstance(api, RegisteredApi)
    assert api.name == "vultr"
    assert api.display_name == "Vultr API v2"
    assert api.base_url == "https://api.vultr.com/v2"
    assert api.has_key is False
    assert next(t.name for t in agent.list_tools("vultr")) == "createSnapshot"


async def test_register_api_works_with_await() -> None:
    async with OCPAgent() as agent:
        api = await agent.register_api("vultr")
        assert api.tools[0].name == "createSnapshot"
        assert agent.apis["vultr"] is api


def test_tool_lookup_and_search() -> None:
    agent = OCPAgent()
    agent.register_api("vultr")
    tool = agent.get_tool("createSnapshot")
    assert isinstance(tool, Tool)
    assert (tool.method, tool.path, tool.operation_id) == ("POST", "/snapshots", "create-snapshot")
    assert tool.hints.idempotent is False
    assert tool.hints.read_only is False
    assert agent.get_tool("nope") is None
    assert tool in agent.search_tools("snapshot")
    assert tool in agent.search_tools("CREATE snapshot")
    assert agent.search_tools("kubernetes cluster") == []


def test_tools_are_immutable() -> None:
    agent = OCPAgent()
    agent.register_api("vultr")
    tool = agent.get_tool("createSnapshot")
    assert tool is not None
    with pytest.raises(dataclasses.FrozenInstanceError):
        tool.name = "other"  # type: ignore[misc]
    schema = tool.input_schema
    schema["properties"]["instance_id"]["type"] = "integer"
    assert tool.input_schema["properties"]["instance_id"]["type"] == "string"
    with pytest.raises(TypeError):
        tool.placements["x"] = tool.placements["instance_id"]  # type: ignore[index]


def test_function_definitions_for_providers() -> None:
    agent = OCPAgent()
    agent.register_api("vultr")
    tool = agent.get_tool("createSnapshot")
    assert tool is not None
    plain = tool.function_definition()
    assert plain["name"] == "createSnapshot"
    assert "pending" in plain["description"]
    assert plain["parameters"]["required"] == ["instance_id"]
    assert plain["parameters"]["additionalProperties"] is False
    assert "$schema" not in plain["parameters"]
    assert tool.to_openai() == {"type": "function", "function": plain}
    assert tool.to_anthropic() == {
        "name": "createSnapshot",
        "description": plain["description"],
        "input_schema": plain["parameters"],
    }


async def test_call_before_registering_raises() -> None:
    async with OCPAgent() as agent:
        with pytest.raises(RuntimeError, match="register_api"):
            await agent.call_tool("createSnapshot", {"instance_id": "i"})


async def test_session_is_closed_after_aclose(server: RecordingServer) -> None:
    agent = OCPAgent(rate_limit=None)
    await agent.register_api("vultr", base_url=server.base_url, api_key=CANARY_KEY)
    assert (await agent.call_tool("createSnapshot", {"instance_id": "i"})).ok
    session = agent._caller.session
    assert session is not None
    assert not session.closed
    await agent.aclose()
    assert session.closed
    assert agent.closed
    with pytest.raises(RuntimeError, match="closed"):
        await agent.call_tool("createSnapshot", {"instance_id": "i"})
    assert len(server.requests) == 1


async def test_async_with_closes_the_session(server: RecordingServer) -> None:
    async with OCPAgent(rate_limit=None) as agent:
        await agent.register_api("vultr", base_url=server.base_url, api_key=CANARY_KEY)
        await agent.call_tool("createSnapshot", {"instance_id": "i"})
        session = agent._caller.session
    assert session is not None
    assert session.closed


async def test_base_url_and_key_from_environment(
    server: RecordingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VULTR_API_URL", server.base_url)
    monkeypatch.setenv("VULTR_API_KEY", "env-key")
    async with OCPAgent(rate_limit=None) as agent:
        api = await agent.register_api("vultr")
        assert api.base_url == server.base_url
        result = await agent.call_tool("createSnapshot", {"instance_id": "i"})
    assert result.ok
    assert server.requests[0].headers["Authorization"] == "Bearer env-key"


async def test_key_and_headers_from_the_headers_argument(server: RecordingServer) -> None:
    async with OCPAgent(rate_limit=None) as agent:
        await agent.register_api(
            "vultr",
            base_url=server.base_url,
            headers={"Authorization": "Bearer header-key", "X-Team": "backups"},
        )
        await agent.call_tool("createSnapshot", {"instance_id": "i"})
    assert server.requests[0].headers["Authorization"] == "Bearer header-key"
    assert server.requests[0].headers["X-Team"] == "backups"


@pytest.mark.parametrize(
    "url",
    ["http://api.vultr.com/v2", "http://10.0.0.5/v2", "ftp://127.0.0.1/v2", "not a url"],
)
def test_unsafe_or_malformed_base_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="base URL"):
        OCPAgent().register_api("vultr", base_url=url)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9/v2", "http://localhost:9/v2", "http://[::1]:9/v2"]
)
def test_plain_http_is_accepted_for_loopback(url: str) -> None:
    assert OCPAgent().register_api("vultr", base_url=url).base_url == url


def test_plain_http_elsewhere_needs_explicit_consent() -> None:
    agent = OCPAgent(allow_insecure_http=True)
    assert agent.register_api("vultr", base_url="http://10.0.0.5/v2/").base_url == (
        "http://10.0.0.5/v2"
    )


def test_unknown_bundled_api_and_remote_manifest_are_refused() -> None:
    with pytest.raises(ValueError, match="no bundled manifest for API 'aws'"):
        OCPAgent().register_api("aws")
    with pytest.raises(ValueError, match="remote manifests are not fetched"):
        OCPAgent().register_api("vultr", spec_url="https://example.com/manifest.yaml")


@pytest.mark.parametrize("rate", [0, -1])
def test_bad_knobs_are_refused(rate: float) -> None:
    with pytest.raises(ValueError, match="rate_limit"):
        OCPAgent(rate_limit=rate)
    with pytest.raises(ValueError, match="timeouts"):
        OCPAgent(timeout=rate)
