"""Validation alone: what checking one call's arguments and its answer costs, in µs.

It times the validators the dispatcher uses on every call (the tool's input validator and the
validator of its 201 answer) on a valid call, and, for comparison, plain jsonschema
(``Draft202012Validator.iter_errors``) on the same schemas and values.
"""

from __future__ import annotations

import gc
import json
import time
from collections.abc import Callable
from typing import Any

from jsonschema import Draft202012Validator

from ocp_vultr import OCPAgent

from .server import snapshot_body
from .stats import median
from .throughput import ARGUMENTS


def _per_call_us(work: Callable[[], Any], loops: int, repetitions: int) -> float:
    work()
    times = []
    for _ in range(repetitions):
        gc.collect()
        started = time.perf_counter()
        for _ in range(loops):
            work()
        times.append((time.perf_counter() - started) / loops * 1e6)
    return median(times)


def measure(loops: int, repetitions: int) -> dict[str, float]:
    """Median µs per call of argument, answer and total validation, and jsonschema's total."""
    agent = OCPAgent(rate_limit=None)
    agent.register_api("vultr")
    tool = agent.get_tool("createSnapshot")
    assert tool is not None
    answer = tool.responses[201].validator
    assert answer is not None
    body = json.loads(snapshot_body(ARGUMENTS["description"]))
    if tool.input_validator.violations(ARGUMENTS) or answer.violations(body):
        raise RuntimeError("the benchmark's call or answer does not validate")
    plain_in = Draft202012Validator(tool.input_validator.schema)
    plain_out = Draft202012Validator(answer.schema)

    def both() -> None:
        tool.input_validator.violations(ARGUMENTS)
        answer.violations(body)

    def plain_both() -> None:
        list(plain_in.iter_errors(ARGUMENTS))
        list(plain_out.iter_errors(body))

    return {
        "arguments_us": _per_call_us(
            lambda: tool.input_validator.violations(ARGUMENTS), loops, repetitions
        ),
        "response_us": _per_call_us(lambda: answer.violations(body), loops, repetitions),
        "total_us": _per_call_us(both, loops, repetitions),
        "jsonschema_total_us": _per_call_us(plain_both, loops, repetitions),
    }
