"""The benchmark's smoke mode runs end to end and writes every figure (no timing judged)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
SIDES = ("plugin", "bare", "bare_traced")
THROUGHPUT_KEYS = [
    "in_flight",
    *(f"{side}_{what}" for side in SIDES for what in ("calls_per_s", "cpu_us_per_call")),
    "ratio",
    "best_ratio",
]
POSITIVE = {
    "validation": ["arguments_us", "response_us", "total_us", "jsonschema_total_us"],
    "cold_start": [
        "plugin_s",
        "aiohttp_s",
        "ratio",
        "plugin_cpu_s",
        "aiohttp_cpu_s",
        "cpu_ratio",
        "plugin_process_s",
        "aiohttp_process_s",
        "process_ratio",
    ],
    "memory": ["plugin_peak_rss_mib", "aiohttp_peak_rss_mib", "ratio"],
}
TARGETS = {
    "throughput_sequential": ">= 0.9",
    "throughput_concurrent": ">= 0.9",
    "cold_start": "<= 1.5",
    "validation": "<= 50",
}


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    out = tmp_path_factory.mktemp("bench") / "smoke.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(out.read_text(encoding="utf-8")), done.stdout


def _positive(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


def test_smoke_run_reports_throughput_of_every_side(smoke: tuple[dict[str, Any], str]) -> None:
    results, _ = smoke
    assert results["mode"] == "smoke"
    assert results["command"].startswith("python -m bench --smoke")
    for level, in_flight in (("sequential", 1), ("concurrent", 32)):
        part = results["throughput"][level]
        assert part["in_flight"] == in_flight
        for key in THROUGHPUT_KEYS:
            assert _positive(part[key]), (level, key, part.get(key))
        assert isinstance(part["overhead_us_per_call"], float)
        runs = part["runs_calls_per_s"]
        assert set(runs) == set(SIDES)
        assert all(len(r) == results["settings"]["repetitions"] for r in runs.values())
        assert all(_positive(v) for r in runs.values() for v in r)


def test_smoke_run_reports_validation_cold_start_and_memory(
    smoke: tuple[dict[str, Any], str],
) -> None:
    results, _ = smoke
    for section, keys in POSITIVE.items():
        for key in keys:
            assert _positive(results[section][key]), (section, key, results[section].get(key))
    # The plugin imports aiohttp and more: it cannot need less memory than aiohttp alone.
    assert results["memory"]["plugin_peak_rss_mib"] > results["memory"]["aiohttp_peak_rss_mib"]
    assert results["environment"]["packages"]["aiohttp"]


def test_smoke_run_lists_targets_without_judging_them(smoke: tuple[dict[str, Any], str]) -> None:
    results, stdout = smoke
    assert {name: t["bound"] for name, t in results["targets"].items()} == TARGETS
    for target in results["targets"].values():
        assert target["holds"] is None
        assert _positive(target["value"])
    assert results["targets"]["validation"]["value"] == results["validation"]["total_us"]
    assert results["targets"]["cold_start"]["value"] == results["cold_start"]["ratio"]
    assert "calls/s, 32 in flight" in stdout
    assert "(smoke)" in stdout
