"""``ocp-vultr demo``: the main job end to end against an in-process sandbox.

Starts the sandbox on a free port, registers ``vultr`` against it, snapshots a seeded instance,
waits (showing progress) until the snapshot is complete, lists the snapshots and prints a
summary. No key, no network, no Vultr account.
"""

from __future__ import annotations

import argparse
import sys
import time

from ..agent import OCPAgent
from ..sandbox import run_sandbox
from ..waiting import PollSchedule
from .exit_codes import OK
from .output import fail
from .progress import ProgressPrinter

DEMO_POLLS = PollSchedule(first_delay=0.5, min_interval=0.5, max_interval=1.0)
"""The demo looks twice a second: the sandbox's snapshots finish in seconds, not minutes."""

GIB = 1024**3


def _out(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def run_demo(args: argparse.Namespace) -> int:
    """Run the ``demo`` command."""
    async with (
        run_sandbox(complete_after=args.complete_after) as sb,
        OCPAgent(agent_goal="ocp-vultr demo", poll_schedule=DEMO_POLLS) as agent,
    ):
        agent.register_api("vultr", base_url=sb.base_url, api_key="demo-key-not-secret")
        _out(f"Local Vultr-compatible sandbox at {sb.base_url} (no account, no network).")
        instance = sb.instance_ids[0]
        started = time.monotonic()
        created = await agent.call_tool(
            "createSnapshot", {"instance_id": instance, "description": "ocp-vultr demo"}
        )
        if created.error is not None:
            return fail(created.error)
        snapshot = created.data["snapshot"]
        _out(f"createSnapshot: instance {instance} -> snapshot {snapshot['id']}")
        _out(f"  status {snapshot['status']}, size {snapshot['size']} (it completes later)")
        async with ProgressPrinter(sys.stderr, label="waitForSnapshot") as printer:
            done = await agent.wait_for_completion(created, timeout=60, on_progress=printer)
        if done.error is not None:
            return fail(done.error)
        snapshot = done.data["snapshot"]
        _out(
            f"waitForSnapshot: snapshot {snapshot['id']} is {snapshot['status']} after "
            f"{time.monotonic() - started:.1f} s ({done.data['wait']['polls']} checks)"
        )
        listed = [s async for s in agent.iter_snapshots()]
        _out(f"listSnapshots: {len(listed)} snapshot(s)")
        for item in listed:
            _out(
                f"  {item['id']}  {item['status']:<8}  {item['size'] / GIB:5.1f} GiB "
                f"({item['compressed_size'] / GIB:.1f} GiB compressed)  {item['description']!r}"
            )
        _out(f"Done: snapshot {snapshot['id']} complete.")
    return OK
