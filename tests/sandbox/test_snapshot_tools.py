"""Every snapshot tool over real HTTP against the sandbox: what is sent, what comes back."""

from __future__ import annotations

import re

from ocp_vultr import OCPAgent
from ocp_vultr.sandbox import Sandbox

SNAPSHOT_TOOLS = [
    "createSnapshot",
    "listSnapshots",
    "getSnapshot",
    "putSnapshotsSnapshotId",
    "deleteSnapshot",
    "createSnapshotCreateFromUrl",
    "waitForSnapshot",
]


async def _create(agent: OCPAgent, sandbox: Sandbox, description: str = "nightly") -> str:
    result = await agent.call_tool(
        "createSnapshot", {"instance_id": sandbox.instance_ids[0], "description": description}
    )
    assert result.ok, result
    return str(result.data["snapshot"]["id"])


async def test_the_family_is_registered_with_model_ready_definitions(agent: OCPAgent) -> None:
    assert [t.name for t in agent.list_tools("vultr")] == SNAPSHOT_TOOLS
    for tool in agent.list_tools("vultr"):
        definition = tool.function_definition()
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,63}", definition["name"])
        assert definition["parameters"]["additionalProperties"] is False
        assert len(tool.description) > 80
    delete = agent.get_tool("deleteSnapshot")
    assert delete is not None
    assert (delete.hints.destructive, delete.hints.idempotent) == (True, True)
    wait = agent.get_tool("waitForSnapshot")
    assert wait is not None
    assert (wait.method, wait.path, wait.operation_id) == (None, None, None)
    assert not wait.has_http_operation
    assert wait.hints.read_only
    assert "again with the same snapshot_id" in wait.description
    assert "never create" in wait.description
    assert agent.search_tools("delete snapshot")[0].name == "deleteSnapshot"


async def test_create_sends_exactly_the_arguments(agent: OCPAgent, sandbox: Sandbox) -> None:
    result = await agent.call_tool(
        "createSnapshot", {"instance_id": sandbox.instance_ids[0], "description": "nightly"}
    )
    assert (result.ok, result.status) == (True, 201)
    assert result.data["snapshot"]["status"] == "pending"
    (sent,) = sandbox.requests
    assert (sent.method, sent.path) == ("POST", "/v2/snapshots")
    assert sent.body == {"instance_id": sandbox.instance_ids[0], "description": "nightly"}
    assert sent.headers["Authorization"] == "Bearer sandbox-test-key-3f9c2a7e51"
    assert len(sandbox.snapshots) == 1


async def test_list_sends_query_and_returns_page_and_meta(
    agent: OCPAgent, sandbox: Sandbox
) -> None:
    await _create(agent, sandbox, "keep")
    await _create(agent, sandbox, "other")
    result = await agent.call_tool("listSnapshots", {"description": "keep", "per_page": 50})
    assert (result.ok, result.status) == (True, 200)
    assert [s["description"] for s in result.data["snapshots"]] == ["keep"]
    assert result.data["meta"] == {"total": 1, "links": {"next": "", "prev": ""}}
    assert sandbox.requests[-1].query == {"description": "keep", "per_page": "50"}


async def test_get_maps_snapshot_id_onto_the_path(agent: OCPAgent, sandbox: Sandbox) -> None:
    snapshot_id = await _create(agent, sandbox)
    result = await agent.call_tool("getSnapshot", {"snapshot_id": snapshot_id})
    assert (result.ok, result.status) == (True, 200)
    assert result.data["snapshot"]["id"] == snapshot_id
    last = sandbox.requests[-1]
    assert (last.method, last.path, last.raw_body) == ("GET", f"/v2/snapshots/{snapshot_id}", b"")


async def test_update_then_get_shows_the_new_description(agent: OCPAgent, sandbox: Sandbox) -> None:
    snapshot_id = await _create(agent, sandbox, "before")
    result = await agent.call_tool(
        "putSnapshotsSnapshotId", {"snapshot_id": snapshot_id, "description": "after"}
    )
    assert (result.ok, result.status, result.data) == (True, 204, None)
    put = sandbox.requests[-1]
    assert (put.method, put.path, put.body) == (
        "PUT",
        f"/v2/snapshots/{snapshot_id}",
        {"description": "after"},
    )
    fetched = await agent.call_tool("getSnapshot", {"snapshot_id": snapshot_id})
    assert fetched.data["snapshot"]["description"] == "after"


async def test_delete_then_get_is_not_found(agent: OCPAgent, sandbox: Sandbox) -> None:
    snapshot_id = await _create(agent, sandbox)
    deleted = await agent.call_tool("deleteSnapshot", {"snapshot_id": snapshot_id})
    assert (deleted.ok, deleted.status, deleted.data) == (True, 204, None)
    assert sandbox.requests[-1].method == "DELETE"
    assert len(sandbox.snapshots) == 0
    fetched = await agent.call_tool("getSnapshot", {"snapshot_id": snapshot_id})
    assert not fetched.ok
    assert fetched.error is not None
    assert (fetched.error.code, fetched.status) == ("not_found", 404)
    assert "Snapshot not found." in fetched.error.message
    again = await agent.call_tool("deleteSnapshot", {"snapshot_id": snapshot_id})
    assert again.error is not None
    assert again.error.code == "not_found"


async def test_create_from_url_sends_uefi_as_boolean(agent: OCPAgent, sandbox: Sandbox) -> None:
    result = await agent.call_tool(
        "createSnapshotCreateFromUrl",
        {"url": "https://example.com/disk.raw", "description": "imported", "uefi": True},
    )
    assert (result.ok, result.status) == (True, 202)
    assert result.data["snapshot"]["status"] == "pending"
    assert sandbox.requests[-1].raw_body.count(b'"uefi":true') == 1
    assert sandbox.requests[-1].path == "/v2/snapshots/create-from-url"


async def test_unknown_instance_is_an_api_error_with_vultrs_message(
    agent: OCPAgent, sandbox: Sandbox
) -> None:
    result = await agent.call_tool("createSnapshot", {"instance_id": "not-mine"})
    assert result.error is not None
    assert (result.error.code, result.status) == ("api_error", 400)
    assert "Invalid instance_id" in result.error.message
    assert len(sandbox.snapshots) == 0


async def test_invalid_arguments_send_nothing(agent: OCPAgent, sandbox: Sandbox) -> None:
    cases = [
        ("getSnapshot", {}),
        ("listSnapshots", {"per_page": 501}),
        ("putSnapshotsSnapshotId", {"snapshot_id": "x"}),
        ("createSnapshotCreateFromUrl", {"url": "https://x/y", "uefi": "true"}),
        ("waitForSnapshot", {"snapshot_id": "x", "max_wait_seconds": 121}),
    ]
    for name, arguments in cases:
        result = await agent.call_tool(name, arguments)
        assert result.error is not None, name
        assert result.error.code == "invalid_arguments", name
    assert len(sandbox.requests) == 0
