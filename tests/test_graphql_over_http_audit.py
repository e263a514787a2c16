"""GraphQL-over-HTTP conformance: graphql-http's audit suite against the real server process."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tests.conftest import ROOT
from tests.servers import running_servers, server_log
from tests.support import require_tool

AUDIT_DIR = ROOT / "tests" / "audit"


def _require_tool(name: str) -> str:
    return require_tool(name, "the graphql-http audit")


def _ensure_audit_deps(npm: str) -> None:
    wanted = json.loads((AUDIT_DIR / "package.json").read_text())["dependencies"]
    if all((AUDIT_DIR / "node_modules" / name / "package.json").exists() for name in wanted):
        return
    done = subprocess.run(
        [npm, "ci", "--silent", "--no-audit", "--no-fund"],
        cwd=AUDIT_DIR,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, f"npm ci failed in {AUDIT_DIR}:\n{done.stdout}\n{done.stderr}"


def test_server_passes_graphql_over_http_audit(tmp_path: Path) -> None:
    node = _require_tool("node")
    npm = _require_tool("npm")
    _ensure_audit_deps(npm)

    env = {
        **os.environ,
        "HOST": "127.0.0.1",
        "APP_ENV": "development",
        "DATABASE_URL": f"sqlite://{tmp_path}/audit.sqlite3",
        "PYTHONUNBUFFERED": "1",
    }
    with running_servers(1, env, tmp_path) as (base_url,):
        audit = subprocess.run(
            [node, str(AUDIT_DIR / "audit.mjs"), f"{base_url}/graphql"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )

    assert audit.returncode == 0, (
        f"graphql-http audit failed (exit {audit.returncode}):\n"
        f"{audit.stdout}\n{audit.stderr}\n--- server log (tail) ---\n{server_log(tmp_path, 0)}"
    )
