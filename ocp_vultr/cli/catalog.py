"""``ocp-vultr tools [--json]`` and ``ocp-vultr schema TOOL [--format …]``: no key needed."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..agent import OCPAgent
from ..errors import ToolError
from ..manifest import bundled_manifest_path, load_manifest
from ..tool import Tool
from .call import tool_named
from .exit_codes import OK
from .output import fail, print_json


def _catalog_agent() -> OCPAgent:
    agent = OCPAgent()
    spec = load_manifest(bundled_manifest_path())
    agent.register_api("vultr", base_url=spec.base_url)  # the environment cannot break a listing
    return agent


def _operation(tool: Tool) -> str:
    if tool.wait is not None:
        return f"(waits on {tool.wait.tool})"
    return f"{tool.method} {tool.path}"


def _first_sentence(text: str) -> str:
    head, dot, _ = text.partition(". ")
    return head + ("." if dot else "")


def _entry(tool: Tool) -> dict[str, Any]:
    return {
        "name": tool.name,
        "operation_id": tool.operation_id,
        "method": tool.method,
        "path": tool.path,
        "waits_on": tool.wait.tool if tool.wait else None,
        "description": tool.description,
        "hints": {
            "read_only": tool.hints.read_only,
            "destructive": tool.hints.destructive,
            "idempotent": tool.hints.idempotent,
            "open_world": tool.hints.open_world,
        },
        "input_schema": tool.input_schema,
    }


async def run_tools(args: argparse.Namespace) -> int:
    """Run the ``tools`` command."""
    async with _catalog_agent() as agent:
        tools = agent.list_tools("vultr")
    if args.json:
        print_json([_entry(tool) for tool in tools])
        return OK
    width = max(len(tool.name) for tool in tools)
    operation_width = max(len(_operation(tool)) for tool in tools)
    for tool in tools:
        sys.stdout.write(
            f"{tool.name:<{width}}  {_operation(tool):<{operation_width}}  "
            f"{_first_sentence(tool.description)}\n"
        )
    return OK


async def run_schema(args: argparse.Namespace) -> int:
    """Run the ``schema`` command."""
    async with _catalog_agent() as agent:
        try:
            tool = tool_named(agent, args.tool)
        except ToolError as unknown:
            return fail(unknown)
    if args.format == "openai":
        print_json(tool.to_openai())
    elif args.format == "anthropic":
        print_json(tool.to_anthropic())
    else:
        print_json(tool.input_schema)
    return OK
