"""The error raised for a manifest or schema file that cannot be used."""

from __future__ import annotations

from pathlib import Path


class ManifestError(ValueError):
    """A manifest or one of its schema files is broken; the message names the file and field."""

    def __init__(self, path: Path | str, field: str, problem: str) -> None:
        self.path = Path(path)
        self.field = field
        self.problem = problem
        super().__init__(f"{self.path}: {field}: {problem}")
