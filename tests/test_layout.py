"""The shape of the code: the app never imports the ETL (both read the shared `warehouse` package), and the
entry script has no pages/ folder beside it."""

from __future__ import annotations

import ast
import subprocess
import sys

from tests.conftest import ROOT

APP_DIRS = ("dashboard", "pages")


def _imports(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
    return out


def test_no_app_module_imports_the_etl():
    offenders = {
        str(p.relative_to(ROOT)): sorted(m for m in _imports(p) if m == "etl" or m.startswith("etl."))
        for d in APP_DIRS
        for p in (ROOT / d).rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_shared_package_imports_neither_side():
    for p in (ROOT / "warehouse").glob("*.py"):
        assert not {m for m in _imports(p) if m.split(".")[0] in ("etl", "dashboard")}, p


def test_loading_every_app_module_loads_no_etl_module():
    code = (
        "import importlib, pkgutil, sys, dashboard, dashboard.views, dashboard.queries\n"
        "for pkg in (dashboard, dashboard.views):\n"
        "    for m in pkgutil.iter_modules(pkg.__path__):\n"
        "        importlib.import_module(f'{pkg.__name__}.{m.name}')\n"
        "print(sorted(m for m in sys.modules if m == 'etl' or m.startswith(('etl.', 'apscheduler'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_entry_script_has_no_pages_folder_beside_it():
    assert (ROOT / "dashboard" / "app.py").is_file() and not (ROOT / "dashboard" / "pages").exists()
    assert not (ROOT / "app.py").exists()
