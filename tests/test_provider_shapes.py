"""Each provider's tool shape, checked against the rules that provider documents."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator, Draft202012Validator

from ocp_vultr import OCPAgent, Tool, load_manifest
from ocp_vultr.providers import PROVIDERS, export_tools, select_tools
from ocp_vultr.providers.strict_schema import FORMATS

HERE = Path(__file__).parent
RICH = HERE / "fixtures" / "rich" / "manifest.yaml"
OCP_TOOL_SCHEMA = json.loads((HERE / "reference" / "ocp-spec" / "ocp-tool.json").read_text())
NAME_RULE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")


@pytest.fixture(scope="module")
def rich_tools() -> list[Tool]:
    return list(load_manifest(RICH).tools)


@pytest.fixture(scope="module")
def vultr_tools() -> list[Tool]:
    return list(OCPAgent().register_api("vultr").tools)


@pytest.fixture(scope="module")
def create_snapshot(vultr_tools: list[Tool]) -> Tool:
    return select_tools(vultr_tools, ["createSnapshot"])[0]


@pytest.fixture(scope="module")
def all_tools(rich_tools: list[Tool], vultr_tools: list[Tool]) -> list[Tool]:
    return vultr_tools + rich_tools


def by_name(definitions: list[dict[str, Any]], key: str = "name") -> dict[str, dict[str, Any]]:
    return {d[key]: d for d in definitions}


def walk_schemas(schema: Any) -> Iterator[dict[str, Any]]:
    """Every sub-schema of ``schema``, following the structural keywords only."""
    if not isinstance(schema, dict):
        return
    yield schema
    for key in ("properties", "$defs"):
        for sub in (schema.get(key) or {}).values():
            yield from walk_schemas(sub)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            yield from walk_schemas(schema[key])
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key) or []:
            yield from walk_schemas(sub)


# -- OpenAI strict mode: the Structured Outputs rules ------------------------------------------

STRICT_ALLOWED = {
    "type",
    "description",
    "enum",
    "const",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "anyOf",
    "$ref",
    "$defs",
    "pattern",
    "format",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
}


def assert_strict_rules(schema: dict[str, Any]) -> None:
    assert schema["type"] == "object", "the root must be an object"
    assert "anyOf" not in schema, "the root must not be anyOf"
    for node in walk_schemas(schema):
        assert set(node) <= STRICT_ALLOWED, (
            f"keywords strict mode rejects: {set(node) - STRICT_ALLOWED}"
        )
        if "format" in node:
            assert node["format"] in FORMATS
        kinds = node.get("type")
        if kinds == "object" or (isinstance(kinds, list) and "object" in kinds):
            assert node["additionalProperties"] is False
            assert node["required"] == list(node["properties"]), "every property is required"


def test_openai_strict_follows_structured_outputs_rules(all_tools: list[Tool]) -> None:
    definitions = by_name([d["function"] for d in export_tools(all_tools, "openai")])
    assert set(definitions) == {t.name for t in all_tools}
    for tool in all_tools:
        function = definitions[tool.name]
        assert set(function) <= {"name", "description", "parameters", "strict"}
        assert NAME_RULE.match(function["name"])
        if function.get("strict"):
            assert function["strict"] is True
            assert_strict_rules(function["parameters"])
    # A map-like argument cannot be strict: that one tool is offered non-strict, as documented.
    assert {n for n, f in definitions.items() if not f.get("strict")} == {"setLabels"}


def test_strict_optional_properties_become_nullable(create_snapshot: Tool) -> None:
    (entry,) = export_tools([create_snapshot], "openai")
    params = entry["function"]["parameters"]
    assert params["required"] == ["instance_id", "description"]
    assert params["properties"]["instance_id"]["type"] == "string"
    assert params["properties"]["description"]["type"] == ["string", "null"]
    assert "minLength" not in params["properties"]["instance_id"]
    assert "$schema" not in params
    assert "title" not in params


def test_strict_rewrites_nested_enum_and_const(rich_tools: list[Tool]) -> None:
    tools = select_tools(rich_tools, ["createThing"])
    params = export_tools(tools, "openai")[0]["function"]["parameters"]
    props = params["properties"]
    assert props["name"] == {"type": "string", "description": "Name of the thing."}
    assert props["color"]["enum"] == ["red", "blue", None]
    assert props["color"]["type"] == ["string", "null"]
    assert props["note"]["type"] == ["string", "null"]
    assert props["tags"]["items"] == {"type": "string", "format": "uuid"}
    options = props["options"]
    assert options["type"] == ["object", "null"]
    assert options["required"] == ["fast", "level", "label"]
    assert options["properties"]["level"] == {"type": "integer", "minimum": 0}
    assert options["properties"]["fast"]["type"] == ["boolean", "null"]
    assert "format" not in options["properties"]["label"], "iri is not a strict-mode format"


def test_strict_schema_accepts_what_the_tool_accepts_once_nulls_drop(
    rich_tools: list[Tool],
) -> None:
    tool = select_tools(rich_tools, ["createThing"])[0]
    params = export_tools([tool], "openai")[0]["function"]["parameters"]
    model_args = {
        "name": "box",
        "size": None,
        "color": None,
        "tags": None,
        "note": None,
        "options": {"fast": None, "level": 2, "label": None},
        "dry_run": None,
    }
    assert Draft202012Validator(params).is_valid(model_args)
    assert not tool.input_validator.is_valid(model_args)
    cleaned = tool.input_validator.without_optional_nulls(model_args)
    assert cleaned == {"name": "box", "note": None, "options": {"level": 2}}
    assert tool.input_validator.is_valid(cleaned)


def test_openai_non_strict_is_the_plain_schema(all_tools: list[Tool]) -> None:
    for entry in export_tools(all_tools, "openai", strict=False):
        function = entry["function"]
        assert entry["type"] == "function"
        assert "strict" not in function, "Chat Completions reads no strict as false"
        tool = next(t for t in all_tools if t.name == function["name"])
        expected = {k: v for k, v in tool.input_schema.items() if k not in ("$schema", "title")}
        assert function["parameters"] == expected
        Draft202012Validator.check_schema(function["parameters"])


def test_tool_methods_delegate_to_the_provider_modules(create_snapshot: Tool) -> None:
    tool = create_snapshot
    assert tool.to_openai() == export_tools([tool], "openai", strict=False)[0]
    assert tool.to_openai(strict=True) == export_tools([tool], "openai")[0]
    assert tool.to_anthropic() == export_tools([tool], "anthropic")[0]
    assert tool.function_definition() == tool.to_openai()["function"]


def test_openai_responses_shape_is_flat(all_tools: list[Tool]) -> None:
    chat = by_name([d["function"] for d in export_tools(all_tools, "openai")])
    for entry in export_tools(all_tools, "openai-responses"):
        assert set(entry) == {"type", "name", "description", "parameters", "strict"}
        assert entry["type"] == "function"
        same = chat[entry["name"]]
        assert entry["parameters"] == same["parameters"]
        assert entry["strict"] is same.get("strict", False), "Responses reads no strict as true"


# -- Anthropic ----------------------------------------------------------------------------------


def test_anthropic_shape(all_tools: list[Tool]) -> None:
    for entry in export_tools(all_tools, "anthropic"):
        assert set(entry) == {"name", "description", "input_schema"}
        assert re.match(r"^[a-zA-Z0-9_-]{1,64}$", entry["name"])
        assert entry["input_schema"]["type"] == "object"
        assert "$schema" not in entry["input_schema"]
        Draft202012Validator.check_schema(entry["input_schema"])


# -- Gemini: the OpenAPI 3.0 Schema subset -------------------------------------------------------

GEMINI_TYPES = {"STRING", "NUMBER", "INTEGER", "BOOLEAN", "ARRAY", "OBJECT"}
GEMINI_FIELDS = {
    "type",
    "format",
    "title",
    "description",
    "nullable",
    "enum",
    "maxItems",
    "minItems",
    "properties",
    "required",
    "minProperties",
    "maxProperties",
    "minLength",
    "maxLength",
    "pattern",
    "example",
    "anyOf",
    "propertyOrdering",
    "default",
    "items",
    "minimum",
    "maximum",
}


def assert_gemini_subset(schema: dict[str, Any]) -> None:
    for node in walk_schemas(schema):
        assert set(node) <= GEMINI_FIELDS, set(node) - GEMINI_FIELDS
        if "type" in node:
            assert node["type"] in GEMINI_TYPES, "one upper-case type, never a type array"
        if "enum" in node:
            assert node.get("type", "STRING") == "STRING"
            assert all(isinstance(v, str) for v in node["enum"])
        if "properties" in node:
            assert node["propertyOrdering"] == list(node["properties"])


def test_gemini_declarations(all_tools: list[Tool]) -> None:
    declarations = by_name(export_tools(all_tools, "gemini"))
    for name, declaration in declarations.items():
        assert re.match(r"^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$", name)
        has = {"parameters", "parametersJsonSchema"} & set(declaration)
        assert len(has) == 1, "parameters and parametersJsonSchema are mutually exclusive"
        if "parameters" in declaration:
            assert_gemini_subset(declaration["parameters"])
        else:
            schema = declaration["parametersJsonSchema"]
            assert schema["type"] == "object"
            assert "$schema" not in schema
            Draft202012Validator.check_schema(schema)
            for node in walk_schemas(schema):
                assert not isinstance(node.get("type"), list)
    # Only what the subset cannot say goes to parametersJsonSchema.
    assert {n for n, d in declarations.items() if "parametersJsonSchema" in d} == {
        "setLabels",  # a map and a const
        "list_things",  # exclusiveMinimum
    }


def test_gemini_subset_values(rich_tools: list[Tool], create_snapshot: Tool) -> None:
    (create,) = export_tools([create_snapshot], "gemini")
    properties = create_snapshot.input_schema["properties"]
    assert create["parameters"] == {
        "type": "OBJECT",
        "properties": {
            "instance_id": {
                "type": "STRING",
                "minLength": 1,
                "description": properties["instance_id"]["description"],
            },
            "description": {
                "type": "STRING",
                "description": properties["description"]["description"],
            },
        },
        "propertyOrdering": ["instance_id", "description"],
        "required": ["instance_id"],
    }
    thing = export_tools(select_tools(rich_tools, ["createThing"]), "gemini")[0]["parameters"]
    assert thing["properties"]["note"] == {
        "type": "STRING",
        "nullable": True,
        "description": "A note; null clears it.",
    }
    assert thing["properties"]["color"]["enum"] == ["red", "blue"]
    assert "format" not in thing["properties"]["tags"]["items"], "uuid is not a Gemini format"


# -- MCP ----------------------------------------------------------------------------------------


def test_mcp_tools_validate_with_the_sdk(all_tools: list[Tool]) -> None:
    mcp_types = pytest.importorskip("mcp.types", reason="the [mcp] extra (mcp SDK) is missing")
    for entry in export_tools(all_tools, "mcp"):
        parsed = mcp_types.Tool.model_validate(entry)
        assert parsed.name == entry["name"]
        assert entry["inputSchema"]["type"] == "object"
        if "outputSchema" in entry:
            assert entry["outputSchema"]["type"] == "object"


def test_mcp_annotations_come_from_the_manifest(all_tools: list[Tool]) -> None:
    entries = by_name(export_tools(all_tools, "mcp"))
    create = entries["createSnapshot"]
    assert create["title"] == "Create snapshot"
    assert create["annotations"] == {
        "title": "Create snapshot",
        "readOnlyHint": False,
        "destructiveHint": False,
        "idempotentHint": False,
        "openWorldHint": True,
    }
    assert create["outputSchema"]["required"] == ["snapshot"]
    assert entries["getThing"]["annotations"]["readOnlyHint"] is True
    assert entries["deleteThing"]["annotations"]["destructiveHint"] is True
    assert entries["deleteThing"]["annotations"]["idempotentHint"] is True
    assert entries["setLabels"]["title"] == "Set the labels of a thing"
    assert "outputSchema" not in entries["deleteThing"], "a 204 has no structured content"


# -- OCP ----------------------------------------------------------------------------------------


def test_ocp_shape_validates_against_the_ocp_tool_schema(all_tools: list[Tool]) -> None:
    validator = Draft7Validator(OCP_TOOL_SCHEMA)
    entries = export_tools(all_tools, "ocp")
    exported = {entry["name"] for entry in entries}
    assert "waitForSnapshot" not in exported, "a wait has no HTTP operation of its own"
    assert len(entries) == len(all_tools) - 1
    for entry in entries:
        errors = [e.message for e in validator.iter_errors(entry)]
        assert errors == [], (entry["name"], errors)


def test_ocp_shape_content(all_tools: list[Tool]) -> None:
    entries = by_name(export_tools(all_tools, "ocp"))
    create = entries["createSnapshot"]
    assert (create["method"], create["path"], create["operation_id"]) == (
        "POST",
        "/snapshots",
        "create-snapshot",
    )
    assert create["parameters"]["instance_id"]["required"] is True
    assert create["parameters"]["instance_id"]["location"] == "body"
    assert create["parameters"]["description"]["required"] is False
    assert create["response_schema"]["properties"]["snapshot"]["required"][0] == "id"
    labels = entries["setLabels"]
    assert labels["path"] == "/things/{thing_id}/labels"
    assert labels["parameters"]["thing_id"]["location"] == "path"
    assert "listThings" in entries
    assert "list_things" not in entries
    assert entries["listThings"]["parameters"]["per_page"]["location"] == "query"


# -- selection and errors -----------------------------------------------------------------------


def test_every_exported_name_matches_the_common_rule(all_tools: list[Tool]) -> None:
    for name in PROVIDERS:
        for entry in export_tools(all_tools, name):
            found = entry.get("name") or entry["function"]["name"]
            assert NAME_RULE.match(found), (name, found)


async def test_tools_for_selects_by_name_and_read_only() -> None:
    async with OCPAgent() as agent:
        agent.register_api("vultr")
        agent.register_api("things", spec_url=RICH, api_key="k")
        picked = agent.tools_for("anthropic", names=["getThing", "createSnapshot"])
        assert [t["name"] for t in picked] == ["getThing", "createSnapshot"]
        read_only = agent.tools_for("mcp", read_only=True)
        assert [t["name"] for t in read_only] == [
            "listSnapshots",
            "getSnapshot",
            "waitForSnapshot",
            "getThing",
            "list_things",
        ]
        with pytest.raises(ValueError, match=r"unknown tool.*nope"):
            agent.tools_for("openai", names=["nope"])
        with pytest.raises(ValueError, match="unknown provider 'cohere'; known: openai"):
            agent.tools_for("cohere")


def test_the_schema_command_offers_every_provider() -> None:
    from ocp_vultr.cli import FORMATS

    assert ("json-schema", *PROVIDERS) == FORMATS


@pytest.mark.parametrize("provider", list(PROVIDERS))
def test_the_schema_command_prints_each_shape(
    provider: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from ocp_vultr.cli import main

    assert main(["schema", "getSnapshot", "--format", provider]) == 0
    printed = json.loads(capsys.readouterr().out)
    agent = OCPAgent()
    agent.register_api("vultr")
    expected = agent.tools_for(provider, names=["getSnapshot"])[0]
    assert printed == expected


def test_the_schema_command_has_no_ocp_shape_for_a_wait(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from ocp_vultr.cli import main

    assert main(["schema", "waitForSnapshot", "--format", "ocp"]) == 2
    assert "no HTTP operation of its own" in capsys.readouterr().err
