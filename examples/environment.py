"""Where the example agents run: the local sandbox (offline), or Vultr when its key is set.

``--offline`` (or no ``VULTR_API_KEY``) starts the project's Vultr-compatible sandbox in this
process on 127.0.0.1, with snapshots that complete after a second, and waits that look
every quarter of a second. With ``VULTR_API_KEY`` set, the agent talks to Vultr itself and
needs a real instance: ``--instance-id`` or ``VULTR_INSTANCE_ID``.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from ocp_vultr import OCPAgent
from ocp_vultr.sandbox import Sandbox, run_sandbox
from ocp_vultr.waiting import PollSchedule

GOAL = "Take a snapshot of instance {instance} before the upgrade and wait until it is complete."


@dataclass
class Environment:
    """A registered agent, the instance to work on, and the sandbox if there is one."""

    agent: OCPAgent
    instance_id: str
    sandbox: Sandbox | None

    @property
    def goal(self) -> str:
        return GOAL.format(instance=self.instance_id)


def arguments(description: str) -> argparse.Namespace:
    """The examples' command line."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--offline",
        action="store_true",
        help="scripted model and local sandbox, even when API keys are set",
    )
    parser.add_argument("--instance-id", default=os.environ.get("VULTR_INSTANCE_ID"))
    return parser.parse_args()


@asynccontextmanager
async def environment(offline: bool, instance_id: str | None) -> AsyncIterator[Environment]:
    """The agent, against the sandbox (``offline`` or no Vultr key) or against Vultr."""
    if not offline and os.environ.get("VULTR_API_KEY"):
        if not instance_id:
            raise SystemExit("set VULTR_INSTANCE_ID or pass --instance-id to use Vultr")
        async with OCPAgent(agent_type="example_agent") as agent:
            agent.register_api("vultr")
            yield Environment(agent, instance_id, None)
        return
    async with (
        run_sandbox(complete_after=1.0) as sandbox,
        OCPAgent(agent_type="example_agent", poll_schedule=PollSchedule(0.25, 0.25, 0.5)) as agent,
    ):
        agent.register_api("vultr", base_url=sandbox.base_url, api_key="sandbox-key")
        yield Environment(agent, instance_id or sandbox.instance_ids[0], sandbox)
