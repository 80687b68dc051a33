"""Loading JSON Schema files from a manifest's schema folder.

Each file is read once, checked as a Draft 2020-12 schema, and every ``$ref`` to another file
of the same folder is inlined, so a tool holds one self-contained schema that can be compiled
once and handed as-is to a model provider. A ``$ref`` to anything else (a URL, a missing file)
is a load error: nothing is ever fetched from the network.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from .manifest_error import ManifestError
from .schema_precheck import certainly_valid_schema

JsonSchema = dict[str, Any]


class SchemaFolder:
    """The schema files beside one manifest, loaded and inlined on demand, each once."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._raw: dict[str, JsonSchema] = {}
        self._inlined: dict[str, JsonSchema] = {}

    def load(self, name: str, *, field: str) -> JsonSchema:
        """The schema in file ``name`` with its references inlined; ``field`` names the user."""
        if name not in self._inlined:
            self._inlined[name] = self._inline(self._read(name, field=field), name, ())
        return self._inlined[name]

    def _read(self, name: str, *, field: str) -> JsonSchema:
        if name in self._raw:
            return self._raw[name]
        path = self.folder / name
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ManifestError(path, field, f"schema file {name!r} does not exist") from None
        except OSError as exc:
            raise ManifestError(path, field, f"cannot read schema file: {exc}") from None
        try:
            schema = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ManifestError(path, field, f"not valid JSON: {exc}") from None
        if not isinstance(schema, dict):
            raise ManifestError(path, field, "a schema file must hold a JSON object")
        _check_schema(schema, path, field)
        self._raw[name] = schema
        return schema

    def _inline(self, node: Any, name: str, stack: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [self._inline(item, name, stack) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            return self._inline_ref(node, ref, name, stack)
        return {key: self._inline(value, name, stack) for key, value in node.items()}

    def _inline_ref(
        self, node: JsonSchema, ref: str, name: str, stack: tuple[str, ...]
    ) -> JsonSchema:
        path = self.folder / name
        if "/" in ref or ":" in ref or "#" in ref:
            raise ManifestError(
                path,
                f"$ref {ref!r}",
                "only references to other files of the schema folder are allowed",
            )
        if ref in stack or ref == name:
            raise ManifestError(path, f"$ref {ref!r}", "circular reference")
        target = self._read(ref, field=f"$ref {ref!r} in {name}")
        if '"$ref": "#' in json.dumps(target):
            raise ManifestError(
                self.folder / ref, "$ref", "a file referenced by another may not use '#' references"
            )
        inlined = self._inline(target, ref, (*stack, name))
        inlined = {k: v for k, v in inlined.items() if k not in ("$schema", "$id")}
        siblings = {k: self._inline(v, name, stack) for k, v in node.items() if k != "$ref"}
        return {**inlined, **siblings}


def _check_schema(schema: JsonSchema, path: Path, field: str) -> None:
    """Raise the ManifestError of a schema that is not valid Draft 2020-12.

    The fast yes of :mod:`~ocp_vultr.schema_precheck` spares jsonschema's meta-schema check
    (a few ms per file) for plainly valid files; jsonschema decides every other one.
    """
    if certainly_valid_schema(schema):
        return
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(root)"
        raise ManifestError(
            path, field, f"not a valid JSON Schema at {where}: {exc.message}"
        ) from None
