"""A local Vultr-compatible server for the snapshot operations: for tests, demos and trying
the tools with no Vultr account and no network.

>>> from ocp_vultr.sandbox import SandboxConfig, run_sandbox, Fault
>>> async with run_sandbox(SandboxConfig(complete_after=2.0)) as sb:
...     sb.base_url, sb.instance_ids          # http://127.0.0.1:<port>/v2, seeded instances
...     sb.faults.add("POST", "/snapshots", Fault.status(503))   # next create answers 503
...     sb.requests, sb.snapshots             # what it received, what it holds

It serves the manifest's snapshot operations with Vultr's shapes and status codes, checks
request bodies with the tools' own schemas (400), requires a bearer key (401), answers
unknown instances with 400 ``{"error": …, "status": 400}`` and unknown snapshots with 404,
pages by opaque cursor, and limits each client to ``rate_limit`` requests per second (429 with
``Retry-After``). See :mod:`ocp_vultr.sandbox.faults` for fault injection.
"""

from .app import SANDBOX_STATE, SandboxState, create_app
from .config import DEFAULT_INSTANCE_IDS, SandboxConfig
from .faults import Fault, FaultKind, FaultRule, FaultRules
from .recording import RecordedRequest, RequestLog
from .server import Sandbox, run_sandbox
from .store import SnapshotStore

__all__ = [
    "DEFAULT_INSTANCE_IDS",
    "SANDBOX_STATE",
    "Fault",
    "FaultKind",
    "FaultRule",
    "FaultRules",
    "RecordedRequest",
    "RequestLog",
    "Sandbox",
    "SandboxConfig",
    "SandboxState",
    "SnapshotStore",
    "create_app",
    "run_sandbox",
]
