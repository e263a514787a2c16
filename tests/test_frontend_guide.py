"""The README's frontend guide compiles: graphql-codegen's client preset over the exported
schema, then `tsc --strict` over the guide's TypeScript (badge, countdown, buttons)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

from tests.conftest import ROOT
from tests.support import require_tool

GUIDE_DIR = ROOT / "tests" / "frontend"
GUIDE_BLOCK = re.compile(
    r"<!-- frontend-guide:begin -->\s*```ts\n(?P<code>.*?)```\s*<!-- frontend-guide:end -->", re.DOTALL
)


def run(command: list[str]) -> None:
    done = subprocess.run(command, cwd=GUIDE_DIR, capture_output=True, text=True, timeout=600,
                          check=False)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"


def test_the_guide_compiles_against_the_exported_schema() -> None:
    npm = require_tool("npm", "the frontend guide check")
    wanted = json.loads((GUIDE_DIR / "package.json").read_text())["devDependencies"]
    if not all((GUIDE_DIR / "node_modules" / name / "package.json").exists() for name in wanted):
        run([npm, "ci", "--silent", "--no-audit", "--no-fund"])
    block = GUIDE_BLOCK.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert block is not None, "README.md lost its frontend-guide block"

    guide = GUIDE_DIR / "guide"
    shutil.rmtree(guide, ignore_errors=True)
    guide.mkdir()
    (guide / "screens.ts").write_text(block["code"], encoding="utf-8")
    binaries = GUIDE_DIR / "node_modules" / ".bin"
    run([str(binaries / "graphql-codegen"), "--config", "codegen.yml", "--silent"])
    run([str(binaries / "tsc"), "-p", "tsconfig.json"])
