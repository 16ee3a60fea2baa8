"""`earlyyears handouts DIR --session ID --out FILE.pdf [--large-print]`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from earlyyears_desktop.cli.main import main

from .conftest import INCLUDED, PASSPHRASE, TODAY, Prepared, pdf_text


@pytest.fixture(autouse=True)
def _passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EARLYYEARS_PASSPHRASE", PASSPHRASE)


def test_makes_the_pdf_and_says_who_was_left_out_without_naming_them(
    vault_copy: Path, prepared: Prepared, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "handouts.pdf"
    code = main(["handouts", str(vault_copy), "--session", prepared.session_id, "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0
    assert captured.out.strip() == str(out.absolute())
    assert f"Made {len(INCLUDED)} handouts on" in captured.err
    assert "1 child left out: no consent for personalised handouts" in captured.err
    assert "Léa" not in captured.err + captured.out
    assert os.stat(out).st_mode & 0o777 == 0o600
    assert "Oisín Ó Briain" in pdf_text(out)


def test_large_print_for_all(
    vault_copy: Path, prepared: Prepared, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    standard, large = tmp_path / "a.pdf", tmp_path / "b.pdf"
    for out, extra in ((standard, []), (large, ["--large-print"])):
        args = ["handouts", str(vault_copy), "--session", prepared.session_id, "--out", str(out)]
        assert main([*args, *extra]) == 0
    pages = [
        int(line.split(" on ")[1].split()[0])
        for line in capsys.readouterr().err.split("\n")
        if line.startswith("Made")
    ]
    assert pages[1] > pages[0]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--session", "no-such-id", "--out", "{tmp}/h.pdf"], 2, "There is no session"),
        (["--session", "{session}", "--out", "{tmp}/h.txt"], 2, "ending in .pdf"),
        (["--session", "{session}", "--out", "{tmp}/missing/h.pdf"], 2, "does not exist"),
        (["--out", "{tmp}/h.pdf"], 2, "--session"),
        (["--session", "{future}", "--out", "{tmp}/h.pdf"], 1, "Nobody is marked"),
    ],
)
def test_errors_are_one_line_and_an_exit_code(
    vault_copy: Path,
    prepared: Prepared,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    code: int,
    message: str,
) -> None:
    filled = [
        a.format(tmp=tmp_path, session=prepared.session_id, future=prepared.future_session_id)
        for a in args
    ]
    assert main(["handouts", str(vault_copy), *filled]) == code
    err = capsys.readouterr().err
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob(".handouts-*"))


def test_wrong_passphrase_is_exit_3(
    vault_copy: Path, prepared: Prepared, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EARLYYEARS_PASSPHRASE", "not the passphrase at all")
    args = ["--session", prepared.session_id, "--out", str(tmp_path / "h.pdf")]
    assert main(["handouts", str(vault_copy), *args]) == 3


def test_names_that_may_not_print_are_named(
    vault_copy: Path, prepared: Prepared, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from earlyyears_desktop.services.container import Services
    from earlyyears_desktop.storage.vault import open_vault

    from .script_names import add_child

    vault = open_vault(vault_copy, PASSPHRASE)
    try:
        add_child(
            Services(vault, today=lambda: TODAY),
            prepared.session_id,
            "Ava\U0003fffd",
            "Stone",
            "Jo Stone",
        )
    finally:
        vault.lock()
    out = tmp_path / "handouts.pdf"
    code = main(["handouts", str(vault_copy), "--session", prepared.session_id, "--out", str(out)])
    assert code == 0
    assert "Some names may not print correctly: Ava\U0003fffd" in capsys.readouterr().err
