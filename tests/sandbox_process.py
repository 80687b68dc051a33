"""Run a sandbox in a process of its own (for the load test): the server then keeps its own
time, undisturbed by thousands of client tasks in the test's event loop.

Prints the base URL and the first instance id as one JSON line, serves until a line arrives on
stdin, then prints what it received as one JSON line: ``{"times": [...], "statuses": [...],
"snapshots": N}``.
"""

from __future__ import annotations

import asyncio
import json
import sys

from ocp_vultr.sandbox import run_sandbox


async def main() -> None:
    async with run_sandbox(rate_limit=None, complete_after=None) as sb:
        print(json.dumps({"base_url": sb.base_url, "instance": sb.instance_ids[0]}), flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        received = list(sb.requests)
        report = {
            "times": [r.time for r in received],
            "statuses": [r.status for r in received],
            "snapshots": len(sb.snapshots),
        }
    print(json.dumps(report), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
