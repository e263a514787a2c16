"""The benchmark's independent raw app shares no code with the product it is measured against."""

from __future__ import annotations

import ast
import subprocess
import sys

from tests.conftest import ROOT

INDEPENDENT = ROOT / "tests" / "bench" / "independent.py"
PRODUCT = ("schema", "resolvers", "models", "server")


def _imported(path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add("." * node.level + (node.module or ""))
    return names


def test_the_independent_app_imports_nothing_of_the_product() -> None:
    imported = _imported(INDEPENDENT)
    assert imported, "no import found: the scan is broken"
    assert "starlette.applications" in imported
    offending = sorted(
        name for name in imported
        if name.startswith(".") or name.startswith("tests") or name.split(".")[0] in PRODUCT
    )
    assert offending == []


def test_loading_the_independent_app_loads_no_product_module() -> None:
    # Transitively too: check_independent() lists every product module in sys.modules.
    done = subprocess.run(
        [sys.executable, "-c",
         "from tests.bench import independent\n"
         "independent.build_app(database_url='sqlite://:memory:', secret_key='k' * 32)\n"
         "independent.check_independent()\n"
         "import resolvers\n"
         "try:\n"
         "    independent.check_independent()\n"
         "except SystemExit as refused:\n"
         "    print(refused)\n"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 0, done.stderr
    # ... and the check itself notices a product module once one is loaded.
    assert done.stdout.strip() == "the independent app loaded product modules: resolvers"
