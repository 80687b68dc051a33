"""What the command prints: JSON results on stdout, messages and errors on stderr."""

from __future__ import annotations

import json
import sys
from typing import Any

from ..errors import ToolError
from .exit_codes import CONFIGURATION, exit_code_for


def print_json(value: Any) -> None:
    """``value`` as indented JSON on stdout."""
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def say(message: str) -> None:
    """A message for the person at the terminal, on stderr."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def fail(error: ToolError) -> int:
    """Print ``error`` and return its exit code."""
    say(f"error ({error.code}): {error.message}")
    return exit_code_for(error)


def configuration_error(message: str) -> int:
    """Print a configuration problem (base URL, key) and return its exit code."""
    say(f"error (configuration): {message}")
    return CONFIGURATION
