"""The layers: Qt only in ui/, ui/ reaching storage only through services, and imports
pointing inward (import-linter)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import earlyyears_desktop

PACKAGE = Path(earlyyears_desktop.__file__).parent
ROOT = PACKAGE.parent.parent


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_nothing_outside_ui_imports_qt() -> None:
    offenders = []
    checked = 0
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] == "ui":
            continue
        checked += 1
        for module in _imported_modules(path):
            if module.split(".")[0] in {"PySide6", "shiboken6", "PyQt5", "PyQt6"}:
                offenders.append(f"{relative}: {module}")
    assert checked > 20
    assert offenders == []


def test_the_ui_imports_no_storage_module() -> None:
    """The screens reach the vault, its key slots and the logs through services/ only: what
    they are handed and the errors they catch are services' (import-linter says it too)."""
    offenders = []
    checked = 0
    for path in sorted((PACKAGE / "ui").rglob("*.py")):
        checked += 1
        for module in _imported_modules(path):
            if module.split(".")[:2] == ["earlyyears_desktop", "storage"]:
                offenders.append(f"{path.relative_to(PACKAGE)}: {module}")
    assert checked > 20
    assert offenders == []


def test_importing_the_core_does_not_load_qt() -> None:
    code = (
        "import sys\n"
        "import earlyyears_desktop.services.container, earlyyears_desktop.demo\n"
        "import earlyyears_desktop.cli.main as m; [m.load_command(v) for v in m.COMMANDS]\n"
        "import earlyyears_desktop.sync\n"
        "print(sorted(n for n in sys.modules if n.startswith(('PySide6', 'shiboken6'))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"


def test_import_linter_contracts_are_kept() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    command = str(lint_imports) if lint_imports.exists() else shutil.which("lint-imports")
    assert command, "import-linter is not installed (pip install -e '.[dev]')"
    result = subprocess.run(
        [command, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout
    assert "Layers point inward KEPT" in result.stdout
    assert "The UI reaches storage only through services KEPT" in result.stdout


def test_the_product_reads_no_test_switch() -> None:
    """Tests pass their cheap Argon2id as an argument (tests/fast_vaults.py): nothing in the
    product reads a variable meant for tests, which would leak from one test to the next."""
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in sorted(PACKAGE.rglob("*.py"))
        if "EARLYYEARS_TEST" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
