"""Run the benchmark: ``python -m bench`` (full) or ``python -m bench --smoke`` (for CI).

One run measures, side by side with its baseline and interleaved with it: throughput
(sequential and with 32 calls in flight) against a local server in another process, validation
cost per call, cold start and peak memory of fresh processes. It prints a table and writes the
results as JSON (``bench/results/latest.json`` unless ``--out`` says otherwise). A full run
judges the targets; a smoke run only checks that everything runs (few iterations, no timing
judgement), so that the benchmark cannot rot.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import ocp_vultr

from . import processes, report, validation_cost
from .stats import median, paired_ratio
from .throughput import Comparison, compare

DEFAULT_OUT = Path(__file__).with_name("results") / "latest.json"
IN_FLIGHT = 32


@dataclass(frozen=True, slots=True)
class Settings:
    """How much of everything one run does."""

    repetitions: int
    sequential_calls: int
    concurrent_calls: int
    warmup_calls: int
    validation_loops: int
    validation_repetitions: int
    cold_start_repetitions: int
    server_delay_ms: float = 0.0


FULL = Settings(
    # Many short runs rather than a few long ones: on a shared machine the load changes
    # from second to second, and adjacent short runs of the sides see the same load.
    repetitions=41,
    sequential_calls=150,
    concurrent_calls=400,
    warmup_calls=300,
    validation_loops=5000,
    validation_repetitions=7,
    cold_start_repetitions=15,
)
SMOKE = Settings(
    repetitions=2,
    sequential_calls=20,
    concurrent_calls=64,
    warmup_calls=10,
    validation_loops=50,
    validation_repetitions=2,
    cold_start_repetitions=1,
)


def _summary(comparison: Comparison) -> dict[str, Any]:
    runs = comparison.runs
    out: dict[str, Any] = {"in_flight": comparison.in_flight}
    for side, side_runs in runs.items():
        out[f"{side}_calls_per_s"] = median([r.calls_per_second for r in side_runs])
        out[f"{side}_cpu_us_per_call"] = median([r.cpu_us_per_call for r in side_runs])
    out["ratio"] = paired_ratio(
        [r.calls_per_second for r in runs["plugin"]], [r.calls_per_second for r in runs["bare"]]
    )
    out["best_ratio"] = max(r.calls_per_second for r in runs["plugin"]) / max(
        r.calls_per_second for r in runs["bare"]
    )
    out["overhead_us_per_call"] = median(
        [
            1e6 / p.calls_per_second - 1e6 / b.calls_per_second
            for p, b in zip(runs["plugin"], runs["bare"], strict=True)
        ]
    )
    out["runs_calls_per_s"] = {
        side: [round(r.calls_per_second, 1) for r in side_runs] for side, side_runs in runs.items()
    }
    return out


async def _throughput(settings: Settings) -> dict[str, Any]:
    with processes.running_server(settings.server_delay_ms) as base_url:
        sequential = await compare(
            base_url,
            repetitions=settings.repetitions,
            calls=settings.sequential_calls,
            in_flight=1,
            warmup=settings.warmup_calls,
        )
        concurrent = await compare(
            base_url,
            repetitions=settings.repetitions,
            calls=settings.concurrent_calls,
            in_flight=IN_FLIGHT,
            warmup=settings.warmup_calls,
        )
    return {"sequential": _summary(sequential), "concurrent": _summary(concurrent)}


def _cold_start(settings: Settings) -> tuple[dict[str, Any], dict[str, Any]]:
    sides = list(processes.COLD_START_BODIES)
    for side in sides:  # once each first: bytecode caches written, files in the page cache
        processes.cold_start(side)
    runs: dict[str, list[dict[str, Any]]] = {side: [] for side in sides}
    for repetition in range(settings.cold_start_repetitions):
        for side in sides if repetition % 2 == 0 else sides[::-1]:
            runs[side].append(processes.cold_start(side))

    def values(side: str, key: str) -> list[float]:
        return [float(run[key]) for run in runs[side]]

    cold = {
        "plugin_s": median(values("plugin", "seconds")),
        "aiohttp_s": median(values("aiohttp", "seconds")),
        "ratio": paired_ratio(values("plugin", "seconds"), values("aiohttp", "seconds")),
        "plugin_cpu_s": median(values("plugin", "cpu_seconds")),
        "aiohttp_cpu_s": median(values("aiohttp", "cpu_seconds")),
        "cpu_ratio": paired_ratio(
            values("plugin", "cpu_seconds"), values("aiohttp", "cpu_seconds")
        ),
        "plugin_process_s": median(values("plugin", "process_seconds")),
        "aiohttp_process_s": median(values("aiohttp", "process_seconds")),
        "process_ratio": paired_ratio(
            values("plugin", "process_seconds"), values("aiohttp", "process_seconds")
        ),
    }
    plugin_rss = median(values("plugin", "peak_rss_kib")) / 1024
    aiohttp_rss = median(values("aiohttp", "peak_rss_kib")) / 1024
    memory = {
        "plugin_peak_rss_mib": plugin_rss,
        "aiohttp_peak_rss_mib": aiohttp_rss,
        "ratio": plugin_rss / aiohttp_rss,
    }
    return cold, memory


def _environment() -> dict[str, Any]:
    versions = {"ocp-vultr": ocp_vultr.__version__}
    for name in ("aiohttp", "jsonschema", "PyYAML"):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "unknown"
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "packages": versions,
    }


def run(settings: Settings, *, smoke: bool, command: str) -> dict[str, Any]:
    """Measure everything once; the results as a JSON-ready dictionary."""
    cold, memory = _cold_start(settings)
    results: dict[str, Any] = {
        "format": 1,
        "mode": "smoke" if smoke else "full",
        "command": command,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "environment": _environment(),
        "settings": {**asdict(settings), "in_flight": IN_FLIGHT},
        "throughput": asyncio.run(_throughput(settings)),
        "validation": validation_cost.measure(
            settings.validation_loops, settings.validation_repetitions
        ),
        "cold_start": cold,
        "memory": memory,
    }
    results["targets"] = report.judge(results, timed=not smoke)
    return results


def main(argv: list[str] | None = None) -> int:
    """The command line: run, print the table, write the JSON. Exit status 0 once it ran."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--smoke", action="store_true", help="few iterations, no judgement")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the JSON")
    parser.add_argument("--repetitions", type=int, help="override the number of repetitions")
    parser.add_argument(
        "--server-delay-ms",
        type=float,
        default=0.0,
        help="the server answers this much later, like a network round trip (default 0)",
    )
    args = parser.parse_args(argv)
    settings = SMOKE if args.smoke else FULL
    if args.repetitions:
        settings = replace(settings, repetitions=args.repetitions)
    settings = replace(settings, server_delay_ms=args.server_delay_ms)
    command = " ".join(["python -m bench", *(argv if argv is not None else sys.argv[1:])])
    results = run(settings, smoke=args.smoke, command=command)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(report.table(results))
    print(f"\nresults written to {args.out}")
    return 0
