"""``ocp-vultr call TOOL key=value… [--json …] [--wait] [--dry-run]``."""

from __future__ import annotations

import argparse
import json
import sys

from ..agent import OCPAgent
from ..dispatcher import PreparedCall
from ..errors import InvalidArgumentsError, ToolError
from ..http_caller import USER_AGENT
from ..result import ToolResult
from ..tool import Tool
from ..waiting import PollSchedule
from .arguments import parse_arguments
from .exit_codes import OK
from .output import configuration_error, fail, print_json, say
from .progress import ProgressPrinter


def tool_named(agent: OCPAgent, name: str) -> Tool:
    """The registered tool ``name``; raises UnknownToolError (with suggestions) if none."""
    tool = agent.get_tool(name)
    if tool is None:
        agent.prepare(name)  # raises the UnknownToolError that names the tools that exist
        raise AssertionError("unreachable")
    return tool


async def run_call(args: argparse.Namespace) -> int:
    """Run the ``call`` command."""
    every = args.poll_interval
    schedule = None if every is None else PollSchedule(every, every, every)
    async with OCPAgent(timeout=args.timeout, poll_schedule=schedule) as agent:
        try:
            api = agent.register_api("vultr", base_url=args.base_url, api_key=args.api_key)
        except ValueError as exc:
            return configuration_error(str(exc))
        try:
            tool = tool_named(agent, args.tool)
            arguments = parse_arguments(tool, args.json, args.pairs)
            prepared = agent.prepare(tool.name, arguments)
            if args.wait and tool.wait is None and tool.completion is None:
                raise InvalidArgumentsError(
                    f"{tool.name} starts nothing to wait for; leave out --wait. Nothing was sent."
                )
        except ToolError as refused:
            return fail(refused)
        if args.dry_run:
            sys.stdout.write(describe_request(prepared, has_key=api.has_key))
            return OK
        result = await _call(agent, tool, arguments, args)
        if result.error is not None:
            return fail(result.error)
        if result.data is None:
            say(f"ok (HTTP {result.status}, no content)")
        else:
            print_json(result.data)
        return OK


async def _call(
    agent: OCPAgent, tool: Tool, arguments: dict[str, object], args: argparse.Namespace
) -> ToolResult:
    waiter = tool.completion.wait if tool.completion is not None and args.wait else tool.name
    async with ProgressPrinter(sys.stderr, label=waiter) as printer:
        if tool.wait is not None and args.wait:
            return await agent.wait_for(
                tool.name, arguments, timeout=args.wait_timeout, on_progress=printer
            )
        result = await agent.call_tool(tool.name, arguments, on_progress=printer)
        if not args.wait or not result.ok or tool.completion is None:
            return result
        say(f"{tool.name} succeeded (HTTP {result.status}); waiting with {tool.completion.wait}")
        return await agent.wait_for_completion(
            result, timeout=args.wait_timeout, on_progress=printer
        )


def describe_request(prepared: PreparedCall, *, has_key: bool) -> str:
    """The request a call would send, as HTTP text, with the API key masked."""
    request = prepared.request
    lines: list[str] = []
    wait = prepared.tool.wait
    if wait is not None:
        ends = " or ".join(repr(v) for v in wait.success)
        fails = f" (fails on {' or '.join(repr(v) for v in wait.failure)})" if wait.failure else ""
        lines.append(
            f"# {prepared.tool.name} sends this request repeatedly until {wait.field} is "
            f"{ends}{fails}"
        )
    lines.append(f"{request.method} {request.full_url}")
    if has_key:
        lines.append("Authorization: Bearer ***")
    else:
        lines.append("Authorization: (no API key configured: set VULTR_API_KEY or --api-key)")
    lines += ["Accept: application/json", f"User-Agent: {USER_AGENT}"]
    if request.body is not None:
        lines += ["Content-Type: application/json", "", json.dumps(request.body, indent=2)]
    lines.append("")
    lines.append("(dry run: nothing was sent)")
    return "\n".join(lines) + "\n"
