"""The manifest's wait, pagination and completion declarations: loaded, and checked at load."""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from ocp_vultr import ManifestError, load_manifest
from ocp_vultr.json_pointer import resolve
from ocp_vultr.manifest import bundled_manifest_path

BUNDLED = bundled_manifest_path()
DOCUMENT: dict[str, Any] = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))


def _entry(document: dict[str, Any], name: str) -> dict[str, Any]:
    return next(t for t in document["tools"] if t["name"] == name)


def _load_changed(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> None:
    document = copy.deepcopy(DOCUMENT)
    change(document)
    shutil.copytree(BUNDLED.parent / "schemas", tmp_path / "schemas")
    (tmp_path / "manifest.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    load_manifest(tmp_path / "manifest.yaml")


def test_bundled_declarations_load() -> None:
    spec = load_manifest(BUNDLED)
    tools = {t.name: t for t in spec.tools}
    wait = tools["waitForSnapshot"].wait
    assert wait is not None
    assert (wait.tool, wait.field, wait.success, wait.failure) == (
        "getSnapshot",
        "/snapshot/status",
        ("complete",),
        ("deleted",),
    )
    assert (wait.failure_code, wait.timeout_argument, wait.default_timeout) == (
        "not_found",
        "max_wait_seconds",
        60.0,
    )
    paging = tools["listSnapshots"].pagination
    assert paging is not None
    assert (paging.cursor_argument, paging.next_cursor, paging.items) == (
        "cursor",
        "/meta/links/next",
        "/snapshots",
    )
    for name in ("createSnapshot", "createSnapshotCreateFromUrl", "getSnapshot"):
        completion = tools[name].completion
        assert completion is not None
        assert (completion.wait, dict(completion.arguments)) == (
            "waitForSnapshot",
            {"snapshot_id": "/snapshot/id"},
        )
    assert tools["waitForSnapshot"].response_schema(200) is not None
    assert tools["deleteSnapshot"].response_schema(204) is None


def _set(name: str, key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        _entry(document, name)[key] = value

    return change


def _set_wait(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        _entry(document, "waitForSnapshot")["wait"][key] = value

    return change


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        (_set_wait("tool", "getSnapshots"), "wait.tool", "not an HTTP tool"),
        (_set_wait("tool", "waitForSnapshot"), "wait.tool", "not an HTTP tool"),
        (_set_wait("tool", "listSnapshots"), "wait", "'snapshot_id' is not an argument"),
        (_set_wait("timeout_argument", "snapshot_id"), "timeout_argument", "number argument"),
        (_set_wait("field", "snapshot.status"), "wait.field", "pattern"),
        (_set_wait("failure_code", "oops"), "failure_code", "must be one of"),
        (_set("waitForSnapshot", "method", "GET"), "method", "has no HTTP operation"),
        (_set("getSnapshot", "method", None), "method", "must be one of"),
        (
            _set("getSnapshot", "completion", {"wait": "getSnapshot", "arguments": {"a": "/b"}}),
            "completion.wait",
            "not a wait tool",
        ),
        (
            _set(
                "getSnapshot", "completion", {"wait": "waitForSnapshot", "arguments": {"x": "/b"}}
            ),
            "completion.arguments",
            "'x' is not an argument",
        ),
        (
            _set(
                "listSnapshots",
                "pagination",
                {"cursor_argument": "page", "next_cursor": "/meta/links/next", "items": "/s"},
            ),
            "pagination.cursor_argument",
            "'page' is not an argument",
        ),
    ],
)
def test_broken_declarations_name_the_field(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], field: str, problem: str
) -> None:
    with pytest.raises(ManifestError) as raised:
        _load_changed(tmp_path, change)
    assert field in raised.value.field
    assert problem in raised.value.problem


def test_a_wait_without_a_default_timeout_must_require_it(tmp_path: Path) -> None:
    schema_file = tmp_path / "schemas" / "wait-for-snapshot.input.json"
    shutil.copytree(BUNDLED.parent / "schemas", tmp_path / "schemas")
    schema_file.write_text(
        schema_file.read_text(encoding="utf-8").replace('"default": 60,', ""), encoding="utf-8"
    )
    (tmp_path / "manifest.yaml").write_text(yaml.safe_dump(DOCUMENT), encoding="utf-8")
    with pytest.raises(ManifestError, match="needs a default"):
        load_manifest(tmp_path / "manifest.yaml")


def test_json_pointer() -> None:
    document = {"a": {"b/c": [10, {"~d": 2}]}}
    assert resolve(document, "/a/b~1c/1/~0d") == 2
    assert resolve(document, "") == document
    assert resolve(document, "/a/x", None) is None
    with pytest.raises(LookupError):
        resolve(document, "/a/b~1c/5")
    with pytest.raises(ValueError, match="starts with"):
        resolve(document, "a")
