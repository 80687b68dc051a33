"""Settings of the local Vultr-compatible sandbox."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DEFAULT_INSTANCE_IDS = (
    "cb676a46-66fd-4dfb-b839-443f2e6c0b60",
    "1a2b3c4d-0000-4000-8000-00000000a001",
    "1a2b3c4d-0000-4000-8000-00000000a002",
)
"""Instances that exist in every sandbox unless told otherwise (the first is Vultr's example)."""


@dataclass(frozen=True, slots=True)
class SandboxConfig:
    """How a sandbox behaves. Every field has a default that suits tests and the demo.

    ``api_key=None`` accepts any bearer key (a key is still required); a string accepts only
    that key. ``complete_after`` is the seconds a new snapshot stays ``pending`` before it is
    ``complete`` with its sizes filled in (``None``: never on its own). ``rate_limit`` is the
    requests per second each client address may send before getting 429 with ``Retry-After``
    (``None``: unlimited). ``deleted_linger`` is how long a deleted snapshot is still shown with
    status ``deleted`` before it is gone (0: gone at once). ``clock_offset`` shifts the
    sandbox's ``date_created`` clock by that many seconds, to act out clock skew.
    """

    host: str = "127.0.0.1"
    port: int = 0
    """0 picks a free port."""
    api_key: str | None = None
    complete_after: float | None = 5.0
    rate_limit: float | None = 30.0
    instance_ids: tuple[str, ...] = DEFAULT_INSTANCE_IDS
    deleted_linger: float = 0.0
    clock_offset: float = 0.0
    manifest: Path | None = None
    """The manifest whose tools the sandbox serves; ``None``: the bundled one."""

    def __post_init__(self) -> None:
        if self.complete_after is not None and self.complete_after < 0:
            raise ValueError("complete_after must not be negative")
        if self.rate_limit is not None and self.rate_limit <= 0:
            raise ValueError("rate_limit must be positive or None")
        if not self.instance_ids:
            raise ValueError("a sandbox needs at least one instance id")
        if self.deleted_linger < 0:
            raise ValueError("deleted_linger must not be negative")
