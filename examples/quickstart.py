"""The README's quick start: create a snapshot and print it.

    VULTR_API_KEY=… python examples/quickstart.py INSTANCE_ID [DESCRIPTION]

Point it at the local sandbox with VULTR_API_URL=http://127.0.0.1:PORT/v2.
"""

from __future__ import annotations

import asyncio
import sys

from ocp_vultr import OCPAgent


async def main(instance_id: str, description: str) -> int:
    async with OCPAgent(agent_goal="nightly backups") as agent:
        await agent.register_api("vultr")
        result = await agent.call_tool(
            "createSnapshot", {"instance_id": instance_id, "description": description}
        )
        if not result.ok:
            assert result.error is not None
            print(f"{result.error.code}: {result.error.message}", file=sys.stderr)
            return 1
        snapshot = result.unwrap()["snapshot"]
        print(f"snapshot {snapshot['id']} {snapshot['status']} ({snapshot['description']})")
        return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(asyncio.run(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "nightly")))
