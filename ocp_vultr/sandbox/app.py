"""The sandbox as an aiohttp.web application.

Every request is recorded, then: the per-client rate limit (429 with ``Retry-After``); any
injected fault; bearer authentication (401); the manifest route (404, 405); the request read
back into tool arguments and checked against the tool's own input schema (400); and the
operation itself, with Vultr's shapes and status codes.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from ..manifest import ApiSpec, bundled_manifest_path, load_manifest
from .client_limit import PerClientLimit, retry_after_header
from .config import SandboxConfig
from .fault_answers import answer_with_fault
from .faults import FaultKind, FaultRules
from .operations import OPERATIONS, World, vultr_error
from .recording import RecordedRequest, RequestLog
from .routing import Router, request_arguments
from .store import SnapshotStore


class SandboxState:
    """Everything one sandbox holds: its settings, snapshots, faults and request log."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.spec: ApiSpec = load_manifest(config.manifest or bundled_manifest_path())
        self.snapshots = SnapshotStore(
            complete_after=config.complete_after,
            deleted_linger=config.deleted_linger,
            clock_offset=config.clock_offset,
        )
        self.faults = FaultRules()
        self.requests = RequestLog()
        self.instance_ids = config.instance_ids
        served = [t for t in self.spec.tools if t.operation_id in OPERATIONS]
        self._router = Router(served)
        self._world = World(self.snapshots, frozenset(config.instance_ids))
        self._limit = PerClientLimit(config.rate_limit) if config.rate_limit else None

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Answer one request (the application's only handler)."""
        raw = await request.read()
        record = RecordedRequest(
            method=request.method,
            path=request.path,
            query=dict(request.query),
            headers=dict(request.headers),
            raw_body=raw,
            remote=request.remote,
        )
        self.requests.append(record)
        response = await self._answer(request, raw, record)
        record.status = None if record.fault == FaultKind.DROP else response.status
        return response

    async def _answer(
        self, request: web.Request, raw: bytes, record: RecordedRequest
    ) -> web.StreamResponse:
        if self._limit is not None:
            wait = self._limit.check(request.remote or "unknown")
            if wait > 0:
                response = vultr_error(429, "Rate limit exceeded.")
                response.headers["Retry-After"] = retry_after_header(wait)
                return response
        fault = self.faults.take(request.method, request.path)
        if fault is None:
            return self._serve(request, raw)
        record.fault = str(fault.kind)

        async def serve() -> web.Response:
            return self._serve(request, raw)

        return await answer_with_fault(fault, request, serve, self._success_status(request))

    def _success_status(self, request: web.Request) -> int:
        match = self._router.match(request.method, request.path)
        return min(match.tool.responses) if match else 200

    def _serve(self, request: web.Request, raw: bytes) -> web.Response:
        refused = self._authenticate(request.headers.get("Authorization", ""))
        if refused is not None:
            return refused
        match = self._router.match(request.method, request.path)
        if match is None:
            return vultr_error(404, "Invalid API endpoint.")
        if match is False:
            return vultr_error(405, f"Method {request.method} is not allowed here.")
        try:
            body: Any = json.loads(raw) if raw.strip() else None
        except ValueError:
            return vultr_error(400, "Invalid JSON in the request body.")
        arguments, problem = request_arguments(match, request.query, body)
        if problem is not None:
            return vultr_error(400, f"Invalid request: {problem}.")
        violations = match.tool.input_validator.violations(arguments)
        if violations:
            listed = "; ".join(str(v).rstrip(".") for v in violations)
            return vultr_error(400, f"Invalid request: {listed}.")
        return OPERATIONS[str(match.tool.operation_id)](self._world, arguments)

    def _authenticate(self, header: str) -> web.Response | None:
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return vultr_error(401, "Authorization header requires a Bearer API key.")
        if self.config.api_key is not None and token != self.config.api_key:
            return vultr_error(401, "Invalid API token.")
        return None


SANDBOX_STATE = web.AppKey("ocp_vultr_sandbox_state", SandboxState)
"""Where :func:`create_app` keeps the :class:`SandboxState` on the application."""


def create_app(config: SandboxConfig | None = None) -> web.Application:
    """A sandbox application; its state is ``app[SANDBOX_STATE]``."""
    state = SandboxState(config or SandboxConfig())
    app = web.Application()
    app[SANDBOX_STATE] = state
    app.router.add_route("*", "/{tail:.*}", state.handle)
    return app
