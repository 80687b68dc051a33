"""Running a sandbox on a TCP port: in-process for tests and the demo, or from the command line."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .app import SANDBOX_STATE, SandboxState, create_app
from .config import SandboxConfig
from .faults import FaultRules
from .recording import RequestLog
from .store import SnapshotStore


@dataclass(frozen=True, slots=True)
class Sandbox:
    """A running sandbox: where it listens and what it holds."""

    host: str
    port: int
    state: SandboxState

    @property
    def base_url(self) -> str:
        """The API base URL, ``http://127.0.0.1:<port>/v2``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/v2"

    @property
    def config(self) -> SandboxConfig:
        """The settings it runs with."""
        return self.state.config

    @property
    def instance_ids(self) -> tuple[str, ...]:
        """The seeded instances (snapshots can be made of these)."""
        return self.state.instance_ids

    @property
    def snapshots(self) -> SnapshotStore:
        """Its snapshots."""
        return self.state.snapshots

    @property
    def requests(self) -> RequestLog:
        """Every request it received, oldest first."""
        return self.state.requests

    @property
    def faults(self) -> FaultRules:
        """Its fault rules (none unless a test adds some)."""
        return self.state.faults

    def url(self, path: str = "") -> str:
        """The full URL of an API ``path`` (``/snapshots``)."""
        return self.base_url + path


@asynccontextmanager
async def run_sandbox(
    config: SandboxConfig | None = None, **overrides: Any
) -> AsyncIterator[Sandbox]:
    """Serve a sandbox until the block ends; ``overrides`` change fields of ``config``.

    >>> async with run_sandbox(complete_after=0.5, rate_limit=None) as sb:
    ...     print(sb.base_url, sb.instance_ids[0])
    """
    config = dataclasses.replace(config or SandboxConfig(), **overrides)
    app = create_app(config)
    runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.5)
    await runner.setup()
    try:
        site = web.TCPSite(runner, config.host, config.port)
        await site.start()
        host, port = runner.addresses[0][:2]
        yield Sandbox(str(host), int(port), app[SANDBOX_STATE])
    finally:
        await runner.cleanup()
