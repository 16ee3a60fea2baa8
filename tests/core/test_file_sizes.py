"""Source files stay small enough to read: over 600 lines, a file says why at its top."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "earlyyears_desktop"
LIMIT = 600
#: the words a long file's opening docstring uses to give its reason
REASON = "Why this file is long:"


def long_files_without_a_reason(package: Path) -> list[str]:
    found = []
    for path in sorted(package.rglob("*.py")):
        if "revisions" in path.parts:  # migrations are written once and never edited
            continue
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > LIMIT and REASON not in text[:2000]:
            found.append(f"{path.relative_to(package)} ({text.count(chr(10))} lines)")
    return found


def test_no_source_file_is_long_without_a_reason() -> None:
    assert long_files_without_a_reason(PACKAGE) == []


def test_a_long_file_is_found(tmp_path: Path) -> None:
    (tmp_path / "short.py").write_text("x = 1\n" * 10, encoding="utf-8")
    (tmp_path / "long.py").write_text("x = 1\n" * (LIMIT + 1), encoding="utf-8")
    reasoned = f'"""A table.\n\n{REASON} one table of the format, read top to bottom."""\n'
    (tmp_path / "reasoned.py").write_text(reasoned + "x = 1\n" * (LIMIT + 1), encoding="utf-8")
    assert long_files_without_a_reason(tmp_path) == [f"long.py ({LIMIT + 1} lines)"]
