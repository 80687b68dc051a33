"""The README's quick start, run as a user would, against a server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from .recording_server import CANARY_KEY, RecordingServer

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "quickstart.py"


async def run_example(server: RecordingServer, *args: str) -> tuple[int, str, str]:
    env = {**os.environ, "VULTR_API_URL": server.base_url, "VULTR_API_KEY": CANARY_KEY}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(EXAMPLE),
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    return proc.returncode or 0, out.decode(), err.decode()


async def test_quickstart_creates_a_snapshot(server: RecordingServer) -> None:
    code, out, err = await run_example(server, "inst-42", "nightly")
    assert code == 0, err
    assert out.strip() == "snapshot cb676a46-66fd-4dfb-b839-443f2e6c0b60 pending (nightly)"
    assert [r.json() for r in server.requests] == [
        {"instance_id": "inst-42", "description": "nightly"}
    ]


async def test_quickstart_reports_the_error_for_the_model(server: RecordingServer) -> None:
    code, out, err = await run_example(server, "")
    assert out == ""
    assert code == 1
    assert err.startswith("invalid_arguments: Invalid arguments for createSnapshot:")
    assert server.requests == []
