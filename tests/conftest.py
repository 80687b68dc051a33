"""Shared fixtures."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from .recording_server import RecordingServer


@pytest.fixture
async def server() -> AsyncIterator[RecordingServer]:
    srv = RecordingServer()
    await srv.start()
    try:
        yield srv
    finally:
        await srv.stop()


@pytest.fixture(autouse=True)
def _no_vultr_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see a developer's real key or URL."""
    monkeypatch.delenv("VULTR_API_KEY", raising=False)
    monkeypatch.delenv("VULTR_API_URL", raising=False)
