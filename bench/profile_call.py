"""Where a call's time goes: cProfile of plugin calls and bare aiohttp calls, by component.

``python -m bench.profile_call`` runs the benchmark's server, profiles ``--calls`` calls of each
side (32 in flight, after a warm-up) and prints, per component, the profiled time per call of
each side and the difference, then the plugin's most expensive functions. Profiling slows
Python code down (every function call is counted), so the absolute figures are inflated;
the shares and the differences are what it is for.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
from collections import defaultdict
from collections.abc import Callable

import aiohttp

from ocp_vultr import OCPAgent

from .processes import running_server
from .throughput import (
    API_KEY,
    Call,
    bare_call,
    headers_trace,
    plugin_call,
    plugin_headers,
    timed_run,
)

COMPONENTS: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("ocp_vultr (the plugin's own code)", lambda f: "/ocp_vultr/" in f),
    ("aiohttp tracing (TraceConfig signals)", lambda f: "aiohttp/tracing" in f or "aiosignal" in f),
    ("aiohttp (the rest)", lambda f: "/aiohttp/" in f),
    (
        "yarl, multidict, propcache",
        lambda f: any(p in f for p in ("/yarl/", "multidict", "propcache")),
    ),
    ("jsonschema, referencing", lambda f: "/jsonschema/" in f or "/referencing/" in f),
    ("json", lambda f: "/json/" in f),
    ("asyncio event loop", lambda f: "/asyncio/" in f),
    ("builtins, C functions", lambda f: f == "~"),
)


def component(filename: str) -> str:
    """The component a profiled function's file belongs to."""
    for name, matches in COMPONENTS:
        if matches(filename):
            return name
    return "other"


def by_component(stats: pstats.Stats, calls: int) -> dict[str, float]:
    """Profiled µs per call spent in each component (own time of its functions)."""
    totals: dict[str, float] = defaultdict(float)
    for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        totals[component(filename)] += tottime / calls * 1e6
    return dict(totals)


async def profile(
    calls: int, in_flight: int, rounds: int = 10
) -> tuple[pstats.Stats, dict[str, dict[str, float]]]:
    """Profile every side against a fresh server; the plugin's stats and the component table.

    The sides take turns in ``rounds`` slices, each profiler accumulating over its slices, so
    that a change of load on a shared machine touches all sides alike.
    """
    with running_server() as base_url:
        async with (
            OCPAgent(rate_limit=None) as agent,
            aiohttp.ClientSession() as session,
            aiohttp.ClientSession(trace_configs=[headers_trace()]) as traced,
        ):
            agent.register_api("vultr", base_url=base_url, api_key=API_KEY)
            sides: dict[str, Call] = {
                "plugin": plugin_call(agent),
                "bare": bare_call(session, base_url, plugin_headers(agent)),
                "bare_traced": bare_call(traced, base_url, plugin_headers(agent), traced=True),
            }
            profilers = {side: cProfile.Profile() for side in sides}
            for call in sides.values():
                await timed_run(call, 300, in_flight)
            per_round = max(1, calls // rounds)
            for _ in range(rounds):
                for side, call in sides.items():
                    profilers[side].enable()
                    await timed_run(call, per_round, in_flight)
                    profilers[side].disable()
    stats = {side: pstats.Stats(profiler) for side, profiler in profilers.items()}
    table = {side: by_component(s, per_round * rounds) for side, s in stats.items()}
    return stats["plugin"], table


def main(argv: list[str] | None = None) -> int:
    """Print the per-component table and the plugin's top functions."""
    parser = argparse.ArgumentParser(prog="python -m bench.profile_call")
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--in-flight", type=int, default=32)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    plugin, table = asyncio.run(profile(args.calls, args.in_flight))
    names = sorted(
        set(table["plugin"]) | set(table["bare"]),
        key=lambda n: table["plugin"].get(n, 0.0) - table["bare"].get(n, 0.0),
        reverse=True,
    )
    print(f"profiled µs per call, {args.calls} calls, {args.in_flight} in flight")
    print(f"{'component':40s} {'plugin':>8s} {'bare':>8s} {'+trace':>8s} {'plugin-bare':>12s}")
    for name in names:
        p, b, t = (table[side].get(name, 0.0) for side in ("plugin", "bare", "bare_traced"))
        print(f"{name:40s} {p:8.1f} {b:8.1f} {t:8.1f} {p - b:12.1f}")
    p_all, b_all, t_all = (sum(table[s].values()) for s in ("plugin", "bare", "bare_traced"))
    print(f"{'total':40s} {p_all:8.1f} {b_all:8.1f} {t_all:8.1f} {p_all - b_all:12.1f}")
    print(f"\nthe plugin's {args.top} most expensive functions (own time):")
    plugin.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
