"""``ocp-vultr sandbox``: serve the local Vultr-compatible sandbox until Ctrl-C."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys

from ..endpoint import is_loopback_host
from ..sandbox import Sandbox, SandboxConfig, run_sandbox
from .exit_codes import OK
from .output import say


def banner(sb: Sandbox) -> str:
    """What the sandbox prints at start: where it is, how to use it, what it holds."""
    config = sb.config
    key = f"only {config.api_key!r}" if config.api_key else "any bearer key"
    completes = (
        f"after {config.complete_after:g} s" if config.complete_after is not None else "never"
    )
    rate = f"{config.rate_limit:g} requests/s per client" if config.rate_limit else "none"
    example_key = config.api_key or "sandbox-key"
    lines = [
        "ocp-vultr sandbox: a local Vultr-compatible API (snapshot operations); no account needed",
        f"  base URL:   {sb.base_url}",
        f"  API key:    {key}",
        "  instances:  " + ", ".join(sb.instance_ids),
        f"  snapshots complete {completes}; rate limit: {rate}",
        "Try, in another terminal:",
        f"  export VULTR_API_URL={sb.base_url} VULTR_API_KEY={example_key}",
        f"  ocp-vultr call createSnapshot instance_id={sb.instance_ids[0]} --wait",
        "Press Ctrl-C to stop.",
    ]
    return "\n".join(lines) + "\n"


async def run_sandbox_command(args: argparse.Namespace) -> int:
    """Run the ``sandbox`` command."""
    config = SandboxConfig(
        host=args.host,
        port=args.port,
        api_key=args.api_key,
        complete_after=args.complete_after,
        rate_limit=args.rate_limit or None,
    )
    if not is_loopback_host(args.host):
        say(f"warning: listening on {args.host}: anyone who can reach it can use the sandbox")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    async with run_sandbox(config) as sb:
        sys.stdout.write(banner(sb))
        sys.stdout.flush()
        await stop.wait()
    say("sandbox stopped")
    return OK
