"""Waiting: poll a tool until a field of its answer reaches a value, on a schedule.

A wait is declared in the manifest (:class:`~ocp_vultr.tool.WaitSpec`) and runs the same way
for every tool: the model-facing wait tool (``waitForSnapshot``), ``agent.wait_for(...)``,
``agent.wait_for_snapshot(...)`` and the command line's ``--wait``. The default schedule is
that of Vultr's Terraform provider: a first look after 10 seconds, then every 3, 6 and at most
10 seconds. Every wait has a deadline; Vultr snapshots have no failed state.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .errors import ERROR_CLASSES, InvalidResponseError, ToolError, WaitTimeoutError
from .json_pointer import resolve
from .result import ToolResult
from .tool import Tool, WaitSpec


@dataclass(frozen=True, slots=True)
class PollSchedule:
    """When a wait looks: ``first_delay`` seconds after it starts, then after ``min_interval``
    seconds, growing by ``factor`` up to ``max_interval``. A wait also looks once more at its
    deadline, so it always ends with the latest answer."""

    first_delay: float = 10.0
    min_interval: float = 3.0
    max_interval: float = 10.0
    factor: float = 2.0

    def __post_init__(self) -> None:
        if self.first_delay < 0 or self.min_interval <= 0:
            raise ValueError("first_delay must be >= 0 and min_interval > 0")
        if self.max_interval < self.min_interval or self.factor < 1:
            raise ValueError("max_interval must be >= min_interval and factor >= 1")

    def delays(self) -> Iterator[float]:
        """The seconds to sleep before each look, without end."""
        yield self.first_delay
        interval = self.min_interval
        while True:
            yield min(interval, self.max_interval)
            interval *= self.factor


@dataclass(frozen=True, slots=True)
class WaitProgress:
    """What a wait saw at one look: handed to ``on_progress`` after every poll."""

    tool: str
    status: Any
    """The watched field's value (``None`` until a look succeeded)."""
    elapsed: float
    polls: int
    done: bool
    data: Any
    """The latest successful answer of the polled tool."""
    error: ToolError | None = None
    """Why this look failed, if it did (the wait goes on after retryable failures)."""


ProgressCallback = Callable[[WaitProgress], Awaitable[None] | None]


class WaitEnd(StrEnum):
    """How a wait ended."""

    DONE = "done"
    FAILED = "failed"
    """The field reached a failure value."""
    DEADLINE = "deadline"
    ERROR = "error"
    """A look failed in a way waiting longer cannot fix (not found, auth, invalid answer)."""


@dataclass(frozen=True, slots=True)
class WaitOutcome:
    """Where a wait stood when it ended."""

    end: WaitEnd
    status: Any
    data: Any
    error: ToolError | None
    elapsed: float
    polls: int
    attempts: int
    http_status: int | None


async def poll_until(
    poll: Callable[[], Awaitable[ToolResult]],
    spec: WaitSpec,
    *,
    name: str,
    max_wait: float,
    schedule: PollSchedule,
    on_progress: ProgressCallback | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[None]] | None = None,
) -> WaitOutcome:
    """Call ``poll`` on ``schedule`` until ``spec`` says done or failed, or ``max_wait``
    seconds pass."""
    pause = sleep or asyncio.sleep
    if not max_wait > 0:
        raise ValueError("a wait needs a positive max_wait")
    started = clock()
    delays = schedule.delays()
    polls = attempts = 0
    status: Any = None
    data: Any = None
    http_status: int | None = None
    while True:
        remaining = started + max_wait - clock()
        await pause(max(0.0, min(next(delays), remaining)))
        result = await poll()
        polls += 1
        attempts += result.attempts
        http_status = result.status
        error = result.error
        end: WaitEnd | None = None
        if error is None:
            data = result.data
            try:
                status = resolve(data, spec.field)
            except LookupError:
                error = InvalidResponseError(
                    f"The answer of {spec.tool} has no {spec.field} to wait on.",
                    status=result.status,
                )
                end = WaitEnd.ERROR
            else:
                if status in spec.success:
                    end = WaitEnd.DONE
                elif status in spec.failure:
                    end = WaitEnd.FAILED
        elif not error.retryable:
            end = WaitEnd.ERROR
        elapsed = clock() - started
        if end is None and elapsed >= max_wait:
            end = WaitEnd.DEADLINE
        if on_progress is not None:
            progress = WaitProgress(name, status, elapsed, polls, end is WaitEnd.DONE, data, error)
            returned = on_progress(progress)
            if inspect.isawaitable(returned):
                await returned
        if end is not None:
            return WaitOutcome(end, status, data, error, elapsed, polls, attempts, http_status)


def poll_arguments(spec: WaitSpec, arguments: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments a wait passes on to the tool it polls (all but its timeout)."""
    return {k: v for k, v in arguments.items() if k != spec.timeout_argument}


def wait_timeout(spec: WaitSpec, arguments: Mapping[str, Any]) -> float:
    """The seconds a wait tool's call may last: its timeout argument, else the default."""
    value = arguments.get(spec.timeout_argument, spec.default_timeout)
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise ValueError(f"no wait timeout in {spec.timeout_argument!r}")
    return float(value)


async def run_wait(
    call: Callable[[str, Mapping[str, Any]], Awaitable[ToolResult]],
    tool: Tool,
    arguments: Mapping[str, Any],
    *,
    schedule: PollSchedule,
    max_wait: float | None = None,
    until_done: bool = False,
    on_progress: ProgressCallback | None = None,
) -> ToolResult:
    """Run the wait tool ``tool`` with validated ``arguments``, polling through ``call``.

    ``max_wait`` replaces the bound of the tool's timeout argument. A model's call
    (``until_done=False``) that ends unfinished is a normal answer: call again. For a caller
    who waits ``until_done``, reaching the deadline unfinished is a ``timeout`` error.
    """
    spec = tool.wait
    if spec is None:
        raise ValueError(f"{tool.name} is not a wait tool")
    bound = wait_timeout(spec, arguments) if max_wait is None else max_wait
    passed_on = poll_arguments(spec, arguments)
    outcome = await poll_until(
        lambda: call(spec.tool, passed_on),
        spec,
        name=tool.name,
        max_wait=bound,
        schedule=schedule,
        on_progress=on_progress,
    )
    result = wait_result(tool, outcome, max_wait=bound, deadline_fails=until_done)
    return _checked(tool, result)


def _checked(tool: Tool, result: ToolResult) -> ToolResult:
    """``result``, or an ``invalid_response`` one if its data breaks the declared schema."""
    spec = tool.responses.get(200)
    if not result.ok or spec is None or spec.validator is None:
        return result
    violations = spec.validator.violations(result.data)
    if not violations:
        return result
    listed = "; ".join(str(v) for v in violations[:10])
    error = InvalidResponseError(
        f"The result of {tool.name} does not match its schema: {listed}.",
        details={"violations": [v.to_dict() for v in violations]},
    )
    return ToolResult(tool=tool.name, ok=False, error=error, elapsed=result.elapsed)


def wait_result(
    tool: Tool, outcome: WaitOutcome, *, max_wait: float, deadline_fails: bool
) -> ToolResult:
    """The result of a wait tool's call: the latest answer with a ``wait`` report, or the error.

    Reaching the deadline unfinished is a normal answer for a model's bounded call (call
    again), and an error (``timeout``) for a caller who asked to wait until it is done.
    """
    spec = tool.wait
    assert spec is not None
    common: dict[str, Any] = {
        "tool": tool.name,
        "status": outcome.http_status,
        "attempts": outcome.attempts,
        "elapsed": outcome.elapsed,
    }
    error = _wait_error(tool, spec, outcome, max_wait, deadline_fails)
    if error is not None:
        return ToolResult(ok=False, error=error, **common)
    done = outcome.end is WaitEnd.DONE
    if done:
        next_step = f"Done: the status is {outcome.status!r}."
    else:
        next_step = (
            f"Not done yet: the status is {outcome.status!r} after {outcome.elapsed:.0f} s. "
            f"Call {tool.name} again with the same arguments to keep waiting; do not start "
            "the operation again."
        )
    report = {
        "done": done,
        "status": outcome.status,
        "elapsed_seconds": round(outcome.elapsed, 1),
        "polls": outcome.polls,
        "next_step": next_step,
    }
    body = dict(outcome.data) if isinstance(outcome.data, Mapping) else {"result": outcome.data}
    return ToolResult(ok=True, data={**body, "wait": report}, **common)


def _wait_error(
    tool: Tool, spec: WaitSpec, outcome: WaitOutcome, max_wait: float, deadline_fails: bool
) -> ToolError | None:
    seen = {
        "last_status": outcome.status,
        "elapsed_seconds": round(outcome.elapsed, 1),
        "polls": outcome.polls,
    }
    if outcome.end is WaitEnd.FAILED:
        wanted = " or ".join(repr(v) for v in spec.success)
        return ERROR_CLASSES[spec.failure_code](
            f"{tool.name} stopped: {spec.tool} reports status {outcome.status!r}, which will "
            f"never become {wanted}. Do not wait on it again; check that the id is the one "
            "you meant.",
            details=seen,
        )
    failed = outcome.error
    if outcome.end is WaitEnd.ERROR and failed is not None:
        return type(failed)(
            f"{tool.name} stopped: {failed.message}",
            status=failed.status,
            retryable=failed.retryable,
            details={**failed.details, **seen},
        )
    if outcome.end is WaitEnd.DEADLINE and (deadline_fails or outcome.data is None):
        last = f"; the last check failed: {failed.message}" if failed is not None else ""
        return WaitTimeoutError(
            f"{tool.name} gave up after {max_wait:g} s: the last status seen was "
            f"{outcome.status!r} ({outcome.polls} checks){last}. It may still finish: wait "
            "again with the same arguments.",
            details=seen,
        )
    return None
