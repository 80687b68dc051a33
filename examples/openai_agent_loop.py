"""An OpenAI-style agent loop (Chat Completions function calling) over the Vultr tools.

    python examples/openai_agent_loop.py --offline   # scripted model, local sandbox
    OPENAI_API_KEY=… python examples/openai_agent_loop.py   # a real model

A real model needs ``pip install openai`` (not a dependency of ocp-vultr).

The loop is the same either way: offer ``agent.tools_for("openai")``, send the messages, run
every tool call the model makes with ``agent.handle_tool_calls(..., provider="openai")`` and
append the tool messages it returns, until the model answers without tool calls. A call with
bad arguments is not an exception: its tool message tells the model what to fix.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
from typing import Any, Protocol

from environment import Environment, arguments, environment
from scripted_model import ScriptedPlan

MAX_TURNS = 12
SYSTEM = "You manage Vultr snapshots with the tools given. Fix your arguments when a tool says so."


class ChatModel(Protocol):
    async def complete(
        self, messages: list[dict[str, Any]], tools: list[dict[str, Any]]
    ) -> dict[str, Any]: ...


class ScriptedChatModel:
    """The scripted plan, speaking Chat Completions messages."""

    def __init__(self, instance_id: str) -> None:
        self.plan = ScriptedPlan(instance_id)
        self._ids = itertools.count(1)

    async def complete(
        self, messages: list[dict[str, Any]], tools: list[dict[str, Any]]
    ) -> dict[str, Any]:
        results = [json.loads(m["content"]) for m in _since_last_assistant(messages)]
        offered = {tool["function"]["name"] for tool in tools}
        decision = self.plan.next(offered, results)
        if isinstance(decision, str):
            return {"role": "assistant", "content": decision}
        call = {
            "id": f"call_{next(self._ids)}",
            "type": "function",
            "function": {"name": decision.name, "arguments": json.dumps(decision.arguments)},
        }
        return {"role": "assistant", "content": None, "tool_calls": [call]}


class OpenAIChatModel:
    """A real model through the ``openai`` package (imported only when used)."""

    def __init__(self, model: str) -> None:
        from openai import AsyncOpenAI  # optional: pip install openai

        self.client = AsyncOpenAI()
        self.model = model

    async def complete(
        self, messages: list[dict[str, Any]], tools: list[dict[str, Any]]
    ) -> dict[str, Any]:
        response = await self.client.chat.completions.create(
            model=self.model, messages=messages, tools=tools
        )
        message: dict[str, Any] = response.choices[0].message.model_dump(exclude_none=True)
        return message


def _since_last_assistant(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    tail: list[dict[str, Any]] = []
    for message in reversed(messages):
        if message["role"] != "tool":
            break
        tail.insert(0, message)
    return tail


async def run_loop(env: Environment, model: ChatModel) -> list[dict[str, Any]]:
    """Run the agent loop to its answer; the whole conversation."""
    tools = env.agent.tools_for("openai")
    messages: list[dict[str, Any]] = [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": env.goal},
    ]
    for _ in range(MAX_TURNS):
        reply = await model.complete(messages, tools)
        messages.append(reply)
        calls = reply.get("tool_calls") or []
        if not calls:
            return messages
        for call in calls:
            function = call["function"]
            print(f"-> {function['name']} {function['arguments']}")
        for answer in await env.agent.handle_tool_calls(calls, provider="openai"):
            print(f"<- {answer['content'][:160]}")
            messages.append(answer)
    raise RuntimeError(f"no answer after {MAX_TURNS} turns")


def choose_model(offline: bool, instance_id: str) -> ChatModel:
    if not offline and os.environ.get("OPENAI_API_KEY"):
        return OpenAIChatModel(os.environ.get("OPENAI_MODEL", "gpt-4.1-mini"))
    return ScriptedChatModel(instance_id)


async def main() -> None:
    options = arguments(__doc__.splitlines()[0])
    async with environment(options.offline, options.instance_id) as env:
        messages = await run_loop(env, choose_model(options.offline, env.instance_id))
        print(messages[-1]["content"])
        if env.sandbox is not None:
            print(
                f"sandbox: {len(env.sandbox.snapshots.list())} snapshot(s), "
                f"{len(env.sandbox.requests)} request(s)"
            )


if __name__ == "__main__":
    asyncio.run(main())
