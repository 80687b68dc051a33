"""The targets of issue 6, and the results as a table."""

from __future__ import annotations

from typing import Any

TARGETS: dict[str, tuple[str, str, float]] = {
    "throughput_sequential": ("throughput.sequential.ratio", ">=", 0.9),
    "throughput_concurrent": ("throughput.concurrent.ratio", ">=", 0.9),
    "cold_start": ("cold_start.ratio", "<=", 1.5),
    "validation": ("validation.total_us", "<=", 50.0),
}
"""Each target: where its value is in the results, and the bound it must keep."""


def lookup(results: dict[str, Any], dotted: str) -> Any:
    """The value at ``a.b.c`` in nested dictionaries."""
    value: Any = results
    for part in dotted.split("."):
        value = value[part]
    return value


def judge(results: dict[str, Any], *, timed: bool) -> dict[str, dict[str, Any]]:
    """Every target with its value and whether it holds (``None``: not judged, smoke mode)."""
    judged: dict[str, dict[str, Any]] = {}
    for name, (where, op, bound) in TARGETS.items():
        value = float(lookup(results, where))
        holds = (value >= bound if op == ">=" else value <= bound) if timed else None
        judged[name] = {"value": value, "bound": f"{op} {bound:g}", "holds": holds}
    return judged


def _verdict(holds: bool | None) -> str:
    return {True: "yes", False: "NO", None: "(smoke)"}[holds]


def table(results: dict[str, Any]) -> str:
    """The results as a plain-text table."""
    tp, cs, mem, val = (results[k] for k in ("throughput", "cold_start", "memory", "validation"))
    targets = results["targets"]
    seq, conc = tp["sequential"], tp["concurrent"]
    rows: list[tuple[str, str, str, str, str, str]] = [
        ("measure", "plugin", "baseline", "ratio", "target", "holds"),
    ]

    def add(
        label: str, a: float, b: float, ratio: float, target: str = "", fmt: str = ",.0f"
    ) -> None:
        name = target
        bound = targets[name]["bound"] if name else ""
        holds = _verdict(targets[name]["holds"]) if name else ""
        rows.append((label, format(a, fmt), format(b, fmt), f"{ratio:.2f}", bound, holds))

    add(
        "calls/s, sequential",
        seq["plugin_calls_per_s"],
        seq["bare_calls_per_s"],
        seq["ratio"],
        "throughput_sequential",
    )
    add(
        f"calls/s, {conc['in_flight']} in flight",
        conc["plugin_calls_per_s"],
        conc["bare_calls_per_s"],
        conc["ratio"],
        "throughput_concurrent",
    )
    for label, part in (("sequential", seq), (f"{conc['in_flight']} in flight", conc)):
        add(
            f"client CPU µs/call, {label}",
            part["plugin_cpu_us_per_call"],
            part["bare_cpu_us_per_call"],
            part["plugin_cpu_us_per_call"] / part["bare_cpu_us_per_call"],
            fmt=".0f",
        )
    add(
        "cold start ms (import+register)",
        cs["plugin_s"] * 1e3,
        cs["aiohttp_s"] * 1e3,
        cs["ratio"],
        "cold_start",
    )
    add(
        "cold start CPU ms (import+register)",
        cs["plugin_cpu_s"] * 1e3,
        cs["aiohttp_cpu_s"] * 1e3,
        cs["cpu_ratio"],
    )
    add(
        "cold start ms (whole process)",
        cs["plugin_process_s"] * 1e3,
        cs["aiohttp_process_s"] * 1e3,
        cs["process_ratio"],
    )
    add(
        "peak RSS MiB",
        mem["plugin_peak_rss_mib"],
        mem["aiohttp_peak_rss_mib"],
        mem["ratio"],
        fmt=".1f",
    )
    add(
        "validation µs/call (vs jsonschema)",
        val["total_us"],
        val["jsonschema_total_us"],
        val["total_us"] / val["jsonschema_total_us"],
        "validation",
        fmt=".1f",
    )
    widths = [max(len(row[i]) for row in rows) for i in range(6)]
    lines = [
        "  ".join(
            cell.ljust(w) if i == 0 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in rows
    ]
    lines.insert(1, "-" * len(lines[0]))
    notes = [
        "ratio: median over the repetitions of plugin/baseline in adjacent runs. Best runs "
        f"(least disturbed) alone: {seq['best_ratio']:.2f} sequential, "
        f"{conc['best_ratio']:.2f} in flight.",
        "baseline: bare aiohttp ClientSession.post (throughput, CPU), a process that only "
        "imports aiohttp (cold start, RSS), plain jsonschema (validation).",
        f"bare aiohttp with a headers-sent TraceConfig: {seq['bare_traced_calls_per_s']:,.0f} "
        f"calls/s sequential, {conc['bare_traced_calls_per_s']:,.0f} in flight "
        f"({seq['bare_traced_cpu_us_per_call']:.0f} / {conc['bare_traced_cpu_us_per_call']:.0f}"
        " client CPU µs/call).",
    ]
    return "\n".join([*lines, "", *notes])
