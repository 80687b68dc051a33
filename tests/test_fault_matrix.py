"""The fault matrix (issue 4 §5), over real HTTP against the sandbox's fault injection.

For every fault: the result (code, retryable, message), how many requests the server got,
and how many snapshots exist afterwards: never two for one logical create.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from ocp_vultr.sandbox import Sandbox, run_sandbox

from .fault_matrix import CASES, Case, run_case


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    async with run_sandbox(rate_limit=None, complete_after=None) as sb:
        yield sb


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_fault(sandbox: Sandbox, case: Case) -> None:
    result, received, created = await run_case(sandbox, case)
    assert result.ok is case.ok, result
    assert result.recovered is case.recovered
    if case.ok:
        assert result.error is None
        if case.tool == "createSnapshot":
            snapshot = result.unwrap()["snapshot"]
            assert snapshot["description"] == f"matrix {case.name}"
            assert snapshot["id"] in sandbox.snapshots
    else:
        assert result.error is not None
        assert result.error.code == case.code
        assert result.error.retryable is case.retryable
        for phrase in case.says:
            assert phrase in result.error.message
    assert received == case.requests
    assert created == case.snapshots
    assert created <= 1
