"""The built wheel carries the manifest and schemas and works from any directory."""

from __future__ import annotations

import json
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import json, ocp_vultr
from ocp_vultr import OCPAgent
from ocp_vultr.manifest import bundled_manifest_path
agent = OCPAgent()
api = agent.register_api("vultr")
tool = agent.get_tool("createSnapshot")
print(json.dumps({
    "module": ocp_vultr.__file__,
    "manifest": str(bundled_manifest_path()),
    "tools": [t.name for t in api.tools],
    "required": tool.input_schema["required"],
    "response_has_snapshot": "snapshot" in tool.response_schema(201)["properties"],
}))
"""


def test_wheel_installs_into_a_fresh_venv_and_registers_vultr(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
        check=True,
    )
    (wheel,) = dist.glob("ocp_vultr-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "ocp_vultr/_data/manifest.yaml" in names
    assert "ocp_vultr/_data/schemas/create-snapshot.input.json" in names
    assert "ocp_vultr/manifest.schema.json" in names
    assert "ocp_vultr/py.typed" in names

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", str(wheel)], check=True)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = subprocess.run(
        [str(python), "-c", SCRIPT],
        cwd=elsewhere,
        check=True,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    report = json.loads(out.stdout)
    assert report["module"].startswith(str(env_dir))
    assert report["manifest"].startswith(str(env_dir))
    assert report["manifest"].endswith("ocp_vultr/_data/manifest.yaml")
    assert report["tools"][0] == "createSnapshot"
    assert report["required"] == ["instance_id"]
    assert report["response_has_snapshot"] is True
