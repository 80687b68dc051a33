"""The manifest's ``recover`` block: loaded into the immutable Tool, checked at load time."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from ocp_vultr import ManifestError, load_manifest
from ocp_vultr.manifest import bundled_manifest_path


def _manifest_with(tmp_path: Path, change: Any) -> Path:
    source = bundled_manifest_path()
    shutil.copytree(source.parent / "schemas", tmp_path / "schemas")
    document = yaml.safe_load(source.read_text(encoding="utf-8"))
    create = next(t for t in document["tools"] if t["name"] == "createSnapshot")
    change(create["recover"], document)
    path = tmp_path / "manifest.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


def test_the_bundled_create_declares_its_recovery() -> None:
    spec = load_manifest(bundled_manifest_path())
    create = next(t for t in spec.tools if t.name == "createSnapshot")
    recovery = create.recovery
    assert recovery is not None
    assert recovery.lookup == "listSnapshots"
    assert recovery.result_key == "snapshot"
    assert recovery.clock_skew == 120.0
    assert [(r.field, r.equals_argument, r.since_call_start) for r in recovery.match] == [
        ("description", "description", False),
        ("date_created", None, True),
    ]
    assert recovery.lookup_arguments({"instance_id": "i", "description": "d"}) == {
        "description": "d",
        "per_page": 500,
    }
    assert recovery.call_arguments_used() == ["description"]
    # Tools stay immutable, their recovery included.
    with pytest.raises(dataclasses.FrozenInstanceError):
        create.recovery = None  # type: ignore[misc]
    with pytest.raises(TypeError):
        recovery.arguments["x"] = None  # type: ignore[index]
    # Read-only tools declare no recovery.
    assert next(t for t in spec.tools if t.name == "listSnapshots").recovery is None


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        (lambda r, d: r.update(lookup="noSuchTool"), "recover.lookup", "not another tool"),
        (lambda r, d: r.update(lookup="createSnapshot"), "recover.lookup", "not another tool"),
        (lambda r, d: r.update(lookup="deleteSnapshot"), "recover.lookup", "read-only list tool"),
        (lambda r, d: r.update(lookup="getSnapshot"), "recover.lookup", "declares pagination"),
        (
            lambda r, d: r["arguments"].update(color={"value": 1}),
            "recover.arguments",
            "'color' is not an argument of listSnapshots",
        ),
        (
            lambda r, d: r["match"].append({"field": "x", "equals_argument": "size"}),
            "recover",
            "'size' is not an argument of createSnapshot",
        ),
        (lambda r, d: r.update(match=[]), "match", "at least 1"),
        (lambda r, d: r.pop("lookup"), "recover", "lookup"),
        (lambda r, d: r.update(items="/snapshots"), "recover", "items"),
        (lambda r, d: r.update(match=[{"field": "a", "since_call_start": False}]), "match", ""),
        (lambda r, d: r.update(clock_skew_seconds=-1), "clock_skew_seconds", ""),
    ],
)
def test_a_broken_recover_block_names_the_field(
    tmp_path: Path, change: Any, field: str, problem: str
) -> None:
    with pytest.raises(ManifestError) as raised:
        load_manifest(_manifest_with(tmp_path, change))
    assert field in raised.value.field
    assert problem in raised.value.problem


def test_a_manifest_with_a_recovery_of_its_own_loads(tmp_path: Path) -> None:
    def change(recover: dict[str, Any], document: dict[str, Any]) -> None:
        recover.update(clock_skew_seconds=30)
        recover.pop("result_key")
        recover.pop("arguments")

    spec = load_manifest(_manifest_with(tmp_path, change))
    create = next(t for t in spec.tools if t.name == "createSnapshot")
    assert create.recovery is not None
    assert create.recovery.clock_skew == 30.0
    assert create.recovery.result_key is None
    assert create.recovery.lookup_arguments({"description": "d"}) == {}
