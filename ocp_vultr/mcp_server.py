"""``ocp-vultr mcp``: the manifest's tools served to MCP clients over stdio.

Built on the official MCP Python SDK (the optional extra ``ocp-vultr[mcp]``). Every call goes
through the same dispatcher as :meth:`OCPAgent.call_tool`, so arguments are validated before
anything is sent and failures come back as results with ``isError`` (a model can read them
and correct itself), never as protocol errors. Destructive tools are switched off unless
``--allow-destructive``; ``--read-only`` and ``--tools a,b`` narrow the set further.

    ocp-vultr mcp [--base-url URL] [--allow-destructive] [--read-only] [--tools a,b]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:  # the command line imports this module; the rest loads when it runs
    from mcp.server.lowlevel import Server

    from .agent import OCPAgent
    from .errors import ToolError
    from .tool import Tool
    from .waiting import WaitProgress

API_NAME = "vultr"
DESCRIPTION = (
    "Serve the Vultr tools to MCP clients over stdio. Arguments are checked before anything "
    "is sent; failures come back as results with isError. Destructive tools are off unless "
    "--allow-destructive; --read-only and --tools narrow the set."
)
INSTRUCTIONS = (
    "Tools for the Vultr API v2 snapshot operations. Arguments are checked before anything is "
    "sent; a result with isError explains what to fix. Snapshots take minutes to complete."
)


class UnknownToolsError(ValueError):
    """``--tools`` names a tool the API does not have."""


@dataclass(frozen=True, slots=True)
class ToolSelection:
    """Which tools the server offers, and why each of the others is switched off."""

    enabled: tuple[str, ...]
    switched_off: dict[str, str] = field(default_factory=dict)

    def refusal(self, name: str) -> ToolError | None:
        """The error for calling ``name`` here, or ``None`` when it is offered."""
        from .tool_calls import only

        why = self.switched_off.get(name)
        return only(self.enabled, f" ({why})" if why else "")(name)


def select(
    tools: Iterable[Tool],
    *,
    names: Sequence[str] | None = None,
    read_only: bool = False,
    allow_destructive: bool = False,
) -> ToolSelection:
    """The tools to offer: ``names`` (all if ``None``), less what the flags switch off."""
    available = {tool.name: tool for tool in tools}
    unknown = [name for name in names or () if name not in available]
    if unknown:
        raise UnknownToolsError(
            f"unknown tool(s) in --tools: {', '.join(unknown)}; available: {', '.join(available)}"
        )
    wanted = list(dict.fromkeys(names)) if names else list(available)
    off: dict[str, str] = {}
    for name, tool in available.items():
        if name not in wanted:
            off[name] = "it is not in the server's --tools list"
        elif read_only and not tool.hints.read_only:
            off[name] = "the server runs with --read-only"
        elif tool.hints.destructive and not allow_destructive:
            off[name] = "destructive tools are off; start the server with --allow-destructive"
    return ToolSelection(tuple(name for name in wanted if name not in off), off)


def require_sdk() -> None:
    """Raise a RuntimeError saying how to install the MCP SDK when it is missing."""
    try:
        import mcp.server.lowlevel  # noqa: F401
    except ImportError:
        raise RuntimeError(
            "the MCP server needs the MCP SDK: pip install 'ocp-vultr[mcp]'"
        ) from None


def progress_requested(ctx: Any) -> bool:
    """Whether the client gave a progress token with this request."""
    meta = getattr(ctx, "meta", None) or {}
    return meta.get("progress_token", meta.get("progressToken")) is not None


def progress_message(progress: WaitProgress) -> str:
    """One line for a wait's progress: ``waitForSnapshot: status pending after 12 s (3 looks)``."""
    status = "unknown" if progress.status is None else progress.status
    looks = "look" if progress.polls == 1 else "looks"
    return (
        f"{progress.tool}: status {status} after {progress.elapsed:.0f} s "
        f"({progress.polls} {looks})"
    )


def build_server(agent: OCPAgent, selection: ToolSelection) -> Server[Any]:
    """An MCP server offering ``selection``'s tools of ``agent``'s registered API."""
    require_sdk()
    from mcp import types
    from mcp.server.lowlevel import Server

    async def list_tools(ctx: Any, params: Any) -> types.ListToolsResult:
        shapes = agent.tools_for("mcp", names=selection.enabled)
        return types.ListToolsResult(tools=[types.Tool.model_validate(s) for s in shapes])

    async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        async def report(progress: WaitProgress) -> None:
            await ctx.session.report_progress(progress.elapsed, message=progress_message(progress))

        answered = await agent.answer_tool_call(
            {"name": params.name, "arguments": params.arguments},
            "mcp",
            refuse=selection.refusal,
            on_progress=report if progress_requested(ctx) else None,
        )
        return types.CallToolResult.model_validate(answered.reply)

    return Server(
        "ocp-vultr",
        version=__version__,
        instructions=INSTRUCTIONS,
        on_list_tools=list_tools,
        on_call_tool=call_tool,
    )


async def serve(options: argparse.Namespace) -> None:
    """Register the API as ``options`` say and serve it on stdin/stdout until the client leaves."""
    require_sdk()
    from mcp.server.stdio import stdio_server

    from .agent import OCPAgent
    from .waiting import PollSchedule

    interval = options.poll_interval
    schedule = None if interval is None else PollSchedule(interval, interval, max(interval, 10.0))
    async with OCPAgent(
        agent_type=options.agent_type,
        allow_insecure_http=options.allow_insecure_http,
        poll_schedule=schedule,
    ) as agent:
        api = agent.register_api(API_NAME, base_url=options.base_url, api_key=options.api_key)
        selection = select(
            api.tools,
            names=options.tools,
            read_only=options.read_only,
            allow_destructive=options.allow_destructive,
        )
        server = build_server(agent, selection)
        async with stdio_server() as (read_stream, write_stream):
            await server.run(read_stream, write_stream, server.create_initialization_options())


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds")
    return value


def _tool_list(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError("give tool names separated by commas")
    return names


def configure(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the ``mcp`` command's options to ``parser``."""
    parser.add_argument(
        "--base-url", help="API base URL (default: $VULTR_API_URL, else https://api.vultr.com/v2)"
    )
    parser.add_argument("--api-key", help="API key (default: $VULTR_API_KEY; prefer the variable)")
    parser.add_argument(
        "--allow-destructive",
        action="store_true",
        help="offer destructive tools too (deleteSnapshot); they are off by default",
    )
    parser.add_argument(
        "--read-only", action="store_true", help="offer only tools that change nothing"
    )
    parser.add_argument("--tools", type=_tool_list, metavar="A,B", help="offer only these tools")
    parser.add_argument(
        "--agent-type", default="mcp_server", help="OCP-Agent-Type sent with every request"
    )
    parser.add_argument(
        "--poll-interval",
        type=_positive,
        metavar="SECONDS",
        help="seconds between the looks of a wait (default: first after 10 s, then 3, 6, 10 s)",
    )
    parser.add_argument(
        "--allow-insecure-http",
        action="store_true",
        help="allow a plain-http base URL that is not on this machine",
    )
    parser.set_defaults(run=run_mcp_command)
    return parser


def add_subparser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``mcp`` to the ``ocp-vultr`` command's subcommands."""
    return configure(
        subparsers.add_parser(
            "mcp",
            help="serve the tools to MCP clients over stdio (needs ocp-vultr[mcp])",
            description=DESCRIPTION,
        )
    )


async def run_mcp_command(options: argparse.Namespace) -> int:
    """Run the ``mcp`` command: serve until the client leaves; the exit code."""
    from .cli.exit_codes import CONFIGURATION, INVALID_ARGUMENTS, OK

    try:
        await serve(options)
    except UnknownToolsError as exc:
        print(f"ocp-vultr mcp: {exc}", file=sys.stderr)
        return INVALID_ARGUMENTS
    except (ValueError, RuntimeError) as exc:  # an unusable base URL or key; no MCP SDK
        print(f"ocp-vultr mcp: {exc}", file=sys.stderr)
        return CONFIGURATION
    return OK


def main(argv: Sequence[str] | None = None) -> int:
    """``ocp-vultr mcp`` on its own (also ``python -m ocp_vultr.mcp_server``)."""
    parser = configure(argparse.ArgumentParser(prog="ocp-vultr mcp", description=DESCRIPTION))
    try:
        return asyncio.run(run_mcp_command(parser.parse_args(argv)))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
