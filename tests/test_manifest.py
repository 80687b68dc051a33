"""Loading the manifest: the bundled one works; a broken one names the file and the field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from ocp_vultr import ManifestError, load_manifest
from ocp_vultr.manifest import bundled_manifest_path

INPUT = {
    "type": "object",
    "properties": {"thing_id": {"type": "string"}},
    "required": ["thing_id"],
    "additionalProperties": False,
}


def good_manifest() -> dict[str, Any]:
    return {
        "manifest_version": 1,
        "api": {
            "name": "demo",
            "display_name": "Demo",
            "base_url": "https://demo.test/v1",
            "auth": {"type": "bearer", "env": "DEMO_KEY"},
        },
        "tools": [
            {
                "name": "getThing",
                "operation_id": "get-thing",
                "method": "GET",
                "path": "/things/{thing-id}",
                "description": "Get a thing.",
                "input_schema": "in.json",
                "arguments": {"thing_id": {"in": "path", "name": "thing-id"}},
                "responses": {"200": "out.json"},
            }
        ],
    }


def write(tmp_path: Path, manifest: Any, schemas: dict[str, Any] | None = None) -> Path:
    folder = tmp_path / "schemas"
    folder.mkdir(exist_ok=True)
    files = {"in.json": INPUT, "out.json": {"type": "object"}, **(schemas or {})}
    for name, content in files.items():
        text = content if isinstance(content, str) else json.dumps(content)
        (folder / name).write_text(text)
    path = tmp_path / "manifest.yaml"
    path.write_text(manifest if isinstance(manifest, str) else yaml.safe_dump(manifest))
    return path


def test_bundled_manifest_loads_create_snapshot() -> None:
    spec = load_manifest(bundled_manifest_path())
    assert spec.name == "vultr"
    assert spec.base_url == "https://api.vultr.com/v2"
    assert spec.auth_env == "VULTR_API_KEY"
    assert spec.base_url_env == "VULTR_API_URL"
    assert spec.rate_limit == 30
    tool = spec.tools[0]
    assert (tool.name, tool.operation_id, tool.method, tool.path) == (
        "createSnapshot",
        "create-snapshot",
        "POST",
        "/snapshots",
    )
    schema = tool.input_schema
    assert schema["required"] == ["instance_id"]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["instance_id"]["minLength"] == 1
    assert set(schema["properties"]) == {"instance_id", "description"}
    response = tool.response_schema(201)
    assert response is not None
    snapshot = response["properties"]["snapshot"]  # the $ref to snapshot.json is inlined
    assert "compressed_size" in snapshot["properties"]
    assert "compressed_size" not in snapshot["required"]
    assert set(snapshot["required"]) == {
        "id",
        "date_created",
        "description",
        "size",
        "status",
        "os_id",
        "app_id",
    }


def test_validators_are_compiled_once_at_load(tmp_path: Path) -> None:
    spec = load_manifest(write(tmp_path, good_manifest()))
    tool = spec.tools[0]
    assert tool.input_validator is tool.input_validator
    assert tool.input_validator._validator is tool.input_validator._validator


def mutate(change: Any) -> dict[str, Any]:
    manifest = good_manifest()
    change(manifest)
    return manifest


@pytest.mark.parametrize(
    ("manifest", "schemas", "field", "problem"),
    [
        pytest.param(
            mutate(lambda m: m["api"].pop("base_url")), None, "api", "base_url", id="missing-field"
        ),
        pytest.param(
            mutate(lambda m: m["tools"][0].update(method="FETCH")),
            None,
            "tools[0].method",
            "must be one of",
            id="bad-method",
        ),
        pytest.param(
            mutate(lambda m: m["tools"][0].update(nmae="x")),
            None,
            "tools[0]",
            "unexpected argument 'nmae'",
            id="typo-key",
        ),
        pytest.param(
            mutate(lambda m: m["tools"][0].update(input_schema="missing.json")),
            None,
            "tools[0] (getThing).input_schema",
            "'missing.json' does not exist",
            id="missing-schema-file",
        ),
        pytest.param(
            good_manifest(),
            {"in.json": "{not json"},
            "tools[0] (getThing).input_schema",
            "not valid JSON",
            id="schema-not-json",
        ),
        pytest.param(
            good_manifest(),
            {"in.json": {"type": "object", "minLength": "one"}},
            "tools[0] (getThing).input_schema",
            "not a valid JSON Schema",
            id="schema-invalid",
        ),
        pytest.param(
            good_manifest(),
            {"out.json": {"$ref": "https://example.com/schema.json"}},
            "$ref 'https://example.com/schema.json'",
            "only references to other files",
            id="remote-ref",
        ),
        pytest.param(
            good_manifest(),
            {"out.json": {"$ref": "out.json"}},
            "$ref 'out.json'",
            "circular reference",
            id="circular-ref",
        ),
        pytest.param(
            mutate(lambda m: m["tools"][0]["arguments"].update(extra={"in": "query"})),
            None,
            "tools[0] (getThing).arguments.extra",
            "not a property of the input schema",
            id="placement-without-property",
        ),
        pytest.param(
            mutate(lambda m: m["tools"][0].update(arguments={})),
            None,
            "tools[0] (getThing).arguments",
            "'thing_id' has no placement",
            id="property-without-placement",
        ),
        pytest.param(
            mutate(lambda m: m["tools"][0].update(path="/things/{id}")),
            None,
            "tools[0] (getThing).path",
            "{id} has no argument placed in the path",
            id="path-placeholder-unmapped",
        ),
        pytest.param(
            good_manifest(),
            {"in.json": {**INPUT, "additionalProperties": True}},
            "tools[0] (getThing).input_schema",
            "must be a closed object schema",
            id="open-input",
        ),
        pytest.param(
            mutate(lambda m: m["tools"].append(dict(m["tools"][0]))),
            None,
            "tools[1].name",
            "duplicate tool name 'getThing'",
            id="duplicate-name",
        ),
        pytest.param("tools: [\n  - {name: x\n", None, "line", "not valid YAML", id="bad-yaml"),
    ],
)
def test_broken_manifest_names_file_and_field(
    tmp_path: Path, manifest: Any, schemas: dict[str, Any] | None, field: str, problem: str
) -> None:
    path = write(tmp_path, manifest, schemas)
    with pytest.raises(ManifestError) as caught:
        load_manifest(path)
    error = caught.value
    assert field in error.field
    assert problem in error.problem
    assert str(error.path).startswith(str(tmp_path))
    assert str(error.path) in str(error)


def test_missing_manifest_file(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="manifest file does not exist"):
        load_manifest(tmp_path / "nope.yaml")


def test_refs_between_schema_files_are_inlined(tmp_path: Path) -> None:
    schemas = {
        "out.json": {"type": "object", "properties": {"thing": {"$ref": "thing.json"}}},
        "thing.json": {"type": "object", "required": ["id"]},
    }
    spec = load_manifest(write(tmp_path, good_manifest(), schemas))
    tool = spec.tools[0]
    assert tool.response_schema(200) == {
        "type": "object",
        "properties": {"thing": {"type": "object", "required": ["id"]}},
    }
    validator = tool.responses[200].validator
    assert validator is not None
    assert not validator.is_valid({"thing": {}})
    assert validator.is_valid({"thing": {"id": "x"}})
