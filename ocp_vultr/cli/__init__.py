"""The ``ocp-vultr`` command (also ``python -m ocp_vultr``).

::

    ocp-vultr demo                                  the main job against a local sandbox
    ocp-vultr tools [--json]                        the tools and what they do
    ocp-vultr schema TOOL [--format FORMAT]         a tool's JSON Schema / OpenAI / Anthropic entry
    ocp-vultr call TOOL key=value… [--json …] [--wait] [--dry-run]
    ocp-vultr sandbox [--host H] [--port N] [--api-key K] [--complete-after S]

Exit codes are listed in :mod:`ocp_vultr.cli.exit_codes`.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable, Coroutine, Sequence
from importlib import import_module
from typing import Any

from .._version import __version__
from .exit_codes import INTERRUPTED

Command = Callable[[argparse.Namespace], Coroutine[Any, Any, int]]
FORMATS = ("json-schema", "openai", "anthropic")

EPILOG = """exit codes: 0 ok; 1 the API call failed; 2 invalid arguments (nothing sent);
3 configuration (no key, key refused, bad base URL); 4 --wait reached its deadline; 130 Ctrl-C.
Base URL and key: --base-url / --api-key, else VULTR_API_URL / VULTR_API_KEY."""


def _positive(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be positive, not {text}")
    return value


def _not_negative(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, not {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The command line, with one sub-command per job."""
    parser = argparse.ArgumentParser(
        prog="ocp-vultr",
        description="Vultr API v2 snapshot operations as validated tools for AI agents.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"ocp-vultr {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser(
        "demo", help="snapshot, wait and list against a local sandbox (no key, no network)"
    )
    demo.add_argument(
        "--complete-after",
        type=_not_negative,
        default=3.0,
        metavar="S",
        help="seconds the demo snapshot stays pending (default 3)",
    )
    demo.set_defaults(run="demo:run_demo")

    tools = commands.add_parser("tools", help="list the tools")
    tools.add_argument("--json", action="store_true", help="print them as JSON")
    tools.set_defaults(run="catalog:run_tools")

    schema = commands.add_parser("schema", help="print a tool's schema or provider entry")
    schema.add_argument("tool", metavar="TOOL")
    schema.add_argument("--format", choices=FORMATS, default="json-schema")
    schema.set_defaults(run="catalog:run_schema")

    call = commands.add_parser(
        "call", help="call a tool", epilog=EPILOG, formatter_class=argparse.RawTextHelpFormatter
    )
    call.add_argument("tool", metavar="TOOL")
    call.add_argument(
        "pairs", nargs="*", metavar="key=value", help="arguments, read as the schema types them"
    )
    call.add_argument("--json", metavar="OBJECT", help="arguments as one JSON object")
    call.add_argument(
        "--wait", action="store_true", help="wait until what the call started is complete"
    )
    call.add_argument(
        "--wait-timeout",
        type=_positive,
        default=1800.0,
        metavar="S",
        help="seconds --wait waits at most (default 1800)",
    )
    call.add_argument(
        "--poll-interval",
        type=_positive,
        metavar="S",
        help="seconds between looks while waiting (default: 10 s first, then 3, 6, 10 s)",
    )
    call.add_argument(
        "--dry-run", action="store_true", help="validate and print the request; send nothing"
    )
    call.add_argument("--base-url", metavar="URL", help="API base URL (default: VULTR_API_URL)")
    call.add_argument(
        "--api-key",
        metavar="KEY",
        help="API key (default: VULTR_API_KEY; prefer the variable: flags show in ps)",
    )
    call.add_argument(
        "--timeout", type=_positive, default=30.0, metavar="S", help="seconds per HTTP attempt"
    )
    call.set_defaults(run="call:run_call")

    sandbox = commands.add_parser("sandbox", help="serve a local Vultr-compatible sandbox")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    sandbox.add_argument("--api-key", metavar="K", help="accept only this key (default: any)")
    sandbox.add_argument(
        "--complete-after",
        type=_not_negative,
        default=5.0,
        metavar="S",
        help="seconds a snapshot stays pending (default 5)",
    )
    sandbox.add_argument(
        "--rate-limit",
        type=float,
        default=30.0,
        metavar="N",
        help="requests per second per client (default 30; 0: none)",
    )
    sandbox.set_defaults(run="serve:run_sandbox_command")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = build_parser().parse_args(argv)
    module, _, function = args.run.partition(":")
    command: Command = getattr(import_module(f"{__name__}.{module}"), function)
    try:
        return asyncio.run(command(args))
    except KeyboardInterrupt:
        return INTERRUPTED
