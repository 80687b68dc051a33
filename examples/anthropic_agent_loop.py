"""An Anthropic-style agent loop (Messages API tool use) over the Vultr tools.

    python examples/anthropic_agent_loop.py --offline   # scripted model, local sandbox
    ANTHROPIC_API_KEY=… python examples/anthropic_agent_loop.py   # a real model

A real model needs ``pip install anthropic`` (not a dependency of ocp-vultr).

The loop: offer ``agent.tools_for("anthropic")``; for each assistant turn, run its
``tool_use`` blocks with ``agent.handle_tool_calls(..., provider="anthropic")`` and send the
``tool_result`` blocks back in one user message (``is_error`` marks a failed call, which the
model can correct), until the model stops asking for tools.
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


class MessagesModel(Protocol):
    async def create(
        self, messages: list[dict[str, Any]], tools: list[dict[str, Any]]
    ) -> dict[str, Any]: ...


class ScriptedMessagesModel:
    """The scripted plan, speaking Messages API content blocks."""

    def __init__(self, instance_id: str) -> None:
        self.plan = ScriptedPlan(instance_id)
        self._ids = itertools.count(1)

    async def create(
        self, messages: list[dict[str, Any]], tools: list[dict[str, Any]]
    ) -> dict[str, Any]:
        last = messages[-1]["content"]
        blocks = last if isinstance(last, list) else []
        results = [json.loads(b["content"]) for b in blocks if b.get("type") == "tool_result"]
        decision = self.plan.next({tool["name"] for tool in tools}, results)
        if isinstance(decision, str):
            content = [{"type": "text", "text": decision}]
            return {"role": "assistant", "content": content, "stop_reason": "end_turn"}
        use = {
            "type": "tool_use",
            "id": f"toolu_{next(self._ids):02d}",
            "name": decision.name,
            "input": decision.arguments,
        }
        return {"role": "assistant", "content": [use], "stop_reason": "tool_use"}


class AnthropicModel:
    """A real model through the ``anthropic`` package (imported only when used)."""

    def __init__(self, model: str) -> None:
        from anthropic import AsyncAnthropic  # optional: pip install anthropic

        self.client = AsyncAnthropic()
        self.model = model

    async def create(
        self, messages: list[dict[str, Any]], tools: list[dict[str, Any]]
    ) -> dict[str, Any]:
        response = await self.client.messages.create(
            model=self.model, max_tokens=1024, system=SYSTEM, messages=messages, tools=tools
        )
        message: dict[str, Any] = response.model_dump(exclude_none=True)
        return message


async def run_loop(env: Environment, model: MessagesModel) -> list[dict[str, Any]]:
    """Run the agent loop to its answer; the whole conversation."""
    tools = env.agent.tools_for("anthropic")
    messages: list[dict[str, Any]] = [{"role": "user", "content": env.goal}]
    for _ in range(MAX_TURNS):
        reply = await model.create(messages, tools)
        messages.append({"role": "assistant", "content": reply["content"]})
        uses = [block for block in reply["content"] if block["type"] == "tool_use"]
        if not uses:
            return messages
        for use in uses:
            print(f"-> {use['name']} {json.dumps(use['input'])}")
        results = await env.agent.handle_tool_calls(uses, provider="anthropic")
        for result in results:
            flag = " (error)" if result.get("is_error") else ""
            print(f"<-{flag} {result['content'][:160]}")
        messages.append({"role": "user", "content": results})
    raise RuntimeError(f"no answer after {MAX_TURNS} turns")


def choose_model(offline: bool, instance_id: str) -> MessagesModel:
    if not offline and os.environ.get("ANTHROPIC_API_KEY"):
        return AnthropicModel(os.environ.get("ANTHROPIC_MODEL", "claude-sonnet-4-5"))
    return ScriptedMessagesModel(instance_id)


async def main() -> None:
    options = arguments(__doc__.splitlines()[0])
    async with environment(options.offline, options.instance_id) as env:
        messages = await run_loop(env, choose_model(options.offline, env.instance_id))
        print(" ".join(b["text"] for b in messages[-1]["content"] if b["type"] == "text"))
        if env.sandbox is not None:
            print(
                f"sandbox: {len(env.sandbox.snapshots.list())} snapshot(s), "
                f"{len(env.sandbox.requests)} request(s)"
            )


if __name__ == "__main__":
    asyncio.run(main())
