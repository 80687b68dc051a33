"""Child processes of the benchmark: the local server, and fresh interpreters for cold start."""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SERVER_SCRIPT = Path(__file__).with_name("server.py")
REPO_ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def running_server(delay_ms: float = 0.0, start_timeout: float = 15.0) -> Iterator[str]:
    """Start ``bench/server.py`` in its own process; yield its base URL (``…/v2``)."""
    process = subprocess.Popen(
        [sys.executable, str(SERVER_SCRIPT), "--delay-ms", str(delay_ms)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None
    assert process.stdout is not None
    try:
        ready, _, _ = select.select([process.stdout], [], [], start_timeout)
        line = process.stdout.readline() if ready else ""
        if not line.startswith("PORT "):
            raise RuntimeError(f"the bench server did not start (said {line!r})")
        yield f"http://127.0.0.1:{int(line.split()[1])}/v2"
    finally:
        process.stdin.close()  # the server stops when its standard input closes
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        process.stdout.close()


_CHILD = """\
import json, resource, time
started, cpu_started = time.perf_counter(), time.process_time()
{body}
seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
try:
    with open("/proc/self/status") as status:
        hwm = [line for line in status if line.startswith("VmHWM:")]
    peak = int(hwm[0].split()[1])
except (OSError, IndexError):
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"seconds": seconds, "cpu_seconds": cpu_seconds, "peak_rss_kib": peak}}))
"""
"""A fresh process's own timing and peak memory.

Peak memory is ``VmHWM`` (the high-water mark of this process's memory map) where Linux has it:
``ru_maxrss`` of a child started with vfork/exec, as :mod:`subprocess` starts them, can report
the parent's resident size from before the exec. Elsewhere it falls back to ``ru_maxrss``.
"""

COLD_START_BODIES = {
    "plugin": (
        "import ocp_vultr\n"
        "agent = ocp_vultr.OCPAgent(rate_limit=None)\n"
        "api = agent.register_api('vultr')\n"
        "assert api.tools and agent.get_tool('createSnapshot') is not None"
    ),
    "aiohttp": "import aiohttp",
}
"""What each fresh process does: the plugin's import and registration, or aiohttp's import."""


def cold_start(side: str, timeout: float = 60.0) -> dict[str, Any]:
    """Run one fresh interpreter for ``side``.

    Returns ``seconds`` (the import and registration, timed inside the child),
    ``cpu_seconds`` (the CPU time of the same span: less sensitive to a busy machine),
    ``process_seconds`` (start to exit, timed here) and ``peak_rss_kib`` (the child's
    ``ru_maxrss``, in KiB on Linux).
    """
    code = _CHILD.format(body=COLD_START_BODIES[side])
    # Bytecode caches on, as for an installed package (pip compiles it); a source checkout
    # run with PYTHONDONTWRITEBYTECODE would otherwise recompile ocp_vultr in every child.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO_ROOT,
        env=env,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"cold-start child {side!r} failed: {done.stderr.strip()}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["process_seconds"] = elapsed
    return result
