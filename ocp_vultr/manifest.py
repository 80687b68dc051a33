"""Reading a manifest (``manifest.yaml`` + ``schemas/``) into immutable tools.

The manifest is checked against its own schema (``manifest.schema.json``), then every tool's
schema files are loaded, inlined and compiled once. Anything wrong raises
:class:`~ocp_vultr.manifest_error.ManifestError` naming the file and the field.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from .manifest_error import ManifestError
from .manifest_specs import check_specs, completion_spec, page_spec, recovery_spec, wait_spec
from .schema_files import SchemaFolder
from .tool import Location, Placement, ResponseSpec, Tool, ToolHints, title_from_name
from .validation import SchemaValidator

_PATH_PARAM = re.compile(r"\{([^{}]+)\}")
_FAST_SAFE_LOADER: type[yaml.CSafeLoader] | None = getattr(yaml, "CSafeLoader", None)


@dataclass(frozen=True, slots=True)
class ApiSpec:
    """An API as its manifest declares it: where it lives, how it authenticates, its tools."""

    name: str
    display_name: str
    base_url: str
    base_url_env: str | None
    auth_env: str
    rate_limit: float | None
    tools: tuple[Tool, ...]
    source: Path

    def tool_names(self) -> list[str]:
        """The names of this API's tools, in manifest order."""
        return [tool.name for tool in self.tools]


def bundled_manifest_path() -> Path:
    """The manifest shipped with the package (or, in a source checkout, the repository's)."""
    packaged = resources.files("ocp_vultr") / "_data" / "manifest.yaml"
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "manifest.yaml"


@cache
def _manifest_validator() -> SchemaValidator:
    text = (resources.files("ocp_vultr") / "manifest.schema.json").read_text(encoding="utf-8")
    return SchemaValidator(json.loads(text))


def load_manifest(path: Path | str) -> ApiSpec:
    """Load and check the manifest at ``path`` with the schema files beside it."""
    path = Path(path)
    document = _read_yaml(path)
    violations = _manifest_validator().violations(document)
    if violations:
        first = violations[0]
        raise ManifestError(path, _field_name(first.path), first.message)
    folder = SchemaFolder(path.parent / document.get("schemas_dir", "schemas"))
    api = document["api"]
    tools = tuple(
        _build_tool(entry, index, api["name"], folder, path)
        for index, entry in enumerate(document["tools"])
    )
    _check_unique_names(tools, path)
    check_specs(tools, path)
    rate = api.get("rate_limit", {}).get("requests_per_second")
    return ApiSpec(
        name=api["name"],
        display_name=api["display_name"],
        base_url=api["base_url"],
        base_url_env=api.get("base_url_env"),
        auth_env=api["auth"]["env"],
        rate_limit=float(rate) if rate is not None else None,
        tools=tools,
        source=path,
    )


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ManifestError(path, "(file)", "manifest file does not exist") from None
    except OSError as exc:
        raise ManifestError(path, "(file)", f"cannot read manifest: {exc}") from None
    try:
        document = _parse_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "(document)"
        raise ManifestError(path, where, f"not valid YAML: {exc}") from None
    if not isinstance(document, dict):
        raise ManifestError(path, "(document)", "a manifest must be a YAML mapping")
    return document


def _parse_yaml(text: str) -> Any:
    """``yaml.safe_load``, with libyaml's parser where PyYAML has it (several times faster).

    A document libyaml rejects is parsed again by the pure-Python loader, so that the error,
    its message and its line are exactly what ``yaml.safe_load`` reports.
    """
    if _FAST_SAFE_LOADER is not None:
        try:
            return yaml.load(text, Loader=_FAST_SAFE_LOADER)  # CSafeLoader: safe constructor
        except yaml.YAMLError:
            pass
    return yaml.safe_load(text)


def _field_name(json_path: str) -> str:
    return json_path.removeprefix("$.").removeprefix("$") or "(document)"


def _build_tool(
    entry: dict[str, Any], index: int, api_name: str, folder: SchemaFolder, source: Path
) -> Tool:
    where = f"tools[{index}] ({entry['name']})"
    input_schema = folder.load(entry["input_schema"], field=f"{where}.input_schema")
    method = entry.get("method")
    wait = wait_spec(entry, input_schema, where, source)
    placements = {} if wait else _placements(entry, input_schema, where, source)
    responses = {
        int(status): ResponseSpec(
            int(status),
            None
            if file is None
            else SchemaValidator(folder.load(file, field=f"{where}.responses.{status}")),
        )
        for status, file in entry["responses"].items()
    }
    hints = entry.get("hints", {})
    if wait is not None:
        _closed_object(input_schema, where, source)
    reads = method in (None, "GET")  # a wait only reads, however often it looks
    return Tool(
        name=entry["name"],
        api_name=api_name,
        operation_id=entry.get("operation_id"),
        method=method,
        path=entry.get("path"),
        description=" ".join(entry["description"].split()),
        input_validator=SchemaValidator(input_schema),
        placements=MappingProxyType(placements),
        responses=MappingProxyType(responses),
        hints=ToolHints(
            read_only=hints.get("read_only", reads),
            destructive=hints.get("destructive", method == "DELETE"),
            idempotent=hints.get("idempotent", reads or method in ("PUT", "DELETE")),
            open_world=hints.get("open_world", True),
        ),
        title=entry.get("title") or title_from_name(entry["name"]),
        wait=wait,
        pagination=page_spec(entry),
        completion=completion_spec(entry),
        recovery=recovery_spec(entry),
    )


def _closed_object(input_schema: dict[str, Any], where: str, source: Path) -> None:
    if (
        input_schema.get("type") != "object"
        or input_schema.get("additionalProperties") is not False
    ):
        raise ManifestError(
            source,
            f"{where}.input_schema",
            "must be a closed object schema (type: object, additionalProperties: false)",
        )


def _placements(
    entry: dict[str, Any], input_schema: dict[str, Any], where: str, source: Path
) -> dict[str, Placement]:
    _closed_object(input_schema, where, source)
    properties = set(input_schema.get("properties", {}))
    declared = entry["arguments"]
    for name in sorted(properties - set(declared)):
        raise ManifestError(source, f"{where}.arguments", f"argument {name!r} has no placement")
    for name in sorted(set(declared) - properties):
        raise ManifestError(
            source, f"{where}.arguments.{name}", "not a property of the input schema"
        )
    placements = {
        name: Placement(Location(spec["in"]), spec.get("name", name))
        for name, spec in declared.items()
    }
    in_path = set(_PATH_PARAM.findall(entry["path"]))
    path_args = {p.wire_name: name for name, p in placements.items() if p.location is Location.PATH}
    required = set(input_schema.get("required", []))
    for wire in sorted(in_path - set(path_args)):
        raise ManifestError(
            source, f"{where}.path", f"{{{wire}}} has no argument placed in the path"
        )
    for wire, name in sorted(path_args.items()):
        if wire not in in_path:
            raise ManifestError(
                source, f"{where}.arguments.{name}", f"{{{wire}}} is not in the path"
            )
        if name not in required:
            raise ManifestError(
                source, f"{where}.arguments.{name}", "a path argument must be required"
            )
    return placements


def _check_unique_names(tools: tuple[Tool, ...], source: Path) -> None:
    seen: set[str] = set()
    for index, tool in enumerate(tools):
        if tool.name in seen:
            raise ManifestError(
                source, f"tools[{index}].name", f"duplicate tool name {tool.name!r}"
            )
        seen.add(tool.name)
