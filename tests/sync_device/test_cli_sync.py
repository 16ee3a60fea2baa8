"""The sync verbs of the command line: output, exit codes, and never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from earlyyears_desktop.cli.main import main
from earlyyears_desktop.services.container import Services

from .conftest import PASSPHRASE, Central, add_child


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture
def vault_dir(services: Services, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A vault folder on disk (closed), with one child, and the passphrase in the environment."""
    add_child(services, "Cli", "Child")
    folder = services.vault.paths.folder
    services.vault.lock()
    monkeypatch.setenv("EARLYYEARS_PASSPHRASE", PASSPHRASE)
    return folder


def test_enrol_export_import_from_the_command_line(
    vault_dir: Path, central: Central, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    request, response = tmp_path / "req.json", tmp_path / "resp.json"
    code, out, _ = run(capsys, "export", str(vault_dir), "--out", str(tmp_path))
    assert code == 1 and out == ""  # not enrolled yet

    code, out, _ = run(capsys, "enrol-request", str(vault_dir), "--out", str(request))
    assert code == 0 and "Signing key fingerprint:" in out
    central.respond(request, response)
    code, out, _ = run(capsys, "enrol", str(vault_dir), str(response))
    assert code == 0 and "compare the central fingerprints" in out.lower()
    from earlyyears_desktop.sync.keys import fingerprint

    assert fingerprint(central.keys.signing_key_id) in out

    usb = tmp_path / "usb"
    usb.mkdir()
    code, out, err = run(capsys, "export", str(vault_dir), "--out", str(usb))
    assert code == 0
    path = Path(out.strip())
    assert path.parent == usb and path.is_file()
    assert "Wrote export bundle 1" in err
    assert central.open_export(path).sequence == 1
    code, out, err = run(capsys, "export", str(vault_dir), "--out", str(usb))
    # stdout is only ever the path of a bundle written: the message goes to stderr.
    assert code == 0 and out == "" and err.startswith("Nothing to export")
    code, out, _ = run(capsys, "export", str(vault_dir), "--out", str(usb), "--again")
    assert code == 0 and Path(out.strip()).name.endswith("000002.eyb")

    ret = tmp_path / "ret.eyb"
    central.return_bundle(ret, acknowledged=[1, 2], through=2)
    code, out, _ = run(capsys, "import", str(vault_dir), str(ret))
    assert code == 0 and "confirmed by the central service" in out
    code, out, _ = run(capsys, "import", str(vault_dir), str(ret))
    assert code == 0 and "already imported, nothing changed" in out

    # A tampered bundle: one line on stderr, exit 4.
    central.return_bundle(tmp_path / "next.eyb")
    data = bytearray((tmp_path / "next.eyb").read_bytes())
    data[len(data) // 2] ^= 0x01
    (tmp_path / "tampered.eyb").write_bytes(bytes(data))
    code, out, err = run(capsys, "import", str(vault_dir), str(tmp_path / "tampered.eyb"))
    assert code == 4 and out == ""
    assert err.startswith("Bundle refused (") and err.count("\n") == 1
    # The untouched one still imports.
    code, _, _ = run(capsys, "import", str(vault_dir), str(tmp_path / "next.eyb"))
    assert code == 0


def test_refusals_and_usage_errors(
    vault_dir: Path, central: Central, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    request, response = tmp_path / "req.json", tmp_path / "resp.json"
    # --out a folder: one clear line and the usage exit code, not "unexpected error".
    code, out, err = run(capsys, "enrol-request", str(vault_dir), "--out", str(tmp_path))
    assert code == 2 and out == "" and err.count("\n") == 1 and "is a folder" in err
    run(capsys, "enrol-request", str(vault_dir), "--out", str(request))
    (tmp_path / "junk.json").write_text("{not json")
    code, _, err = run(capsys, "enrol", str(vault_dir), str(tmp_path / "junk.json"))
    assert code == 4 and err.count("\n") == 1
    central.respond(request, response)
    assert run(capsys, "enrol", str(vault_dir), str(response))[0] == 0
    other = Central()
    other.respond(request, tmp_path / "other.json")
    code, _, err = run(capsys, "enrol", str(vault_dir), str(tmp_path / "other.json"))
    assert code == 1 and "--replace" in err
    code, _, _ = run(capsys, "enrol", str(vault_dir), str(tmp_path / "other.json"), "--replace")
    assert code == 0

    (tmp_path / "zero.eyb").write_bytes(b"PK\x03\x04 not really")
    code, _, err = run(capsys, "import", str(vault_dir), str(tmp_path / "zero.eyb"))
    assert code == 4 and err.count("\n") == 1
    code, _, _ = run(capsys, "import", str(vault_dir), str(tmp_path / "missing.eyb"))
    assert code == 2
    code, _, _ = run(capsys, "export", str(vault_dir), "--out", str(tmp_path / "nowhere"))
    assert code == 2
    code, _, _ = run(capsys, "export", str(vault_dir))
    assert code == 2


def test_wrong_passphrase_is_exit_3(
    vault_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EARLYYEARS_PASSPHRASE", "not the passphrase at all")
    code, _, _ = run(capsys, "import", str(vault_dir), str(tmp_path / "x.eyb"))
    assert code == 2  # missing file is checked first
    (tmp_path / "x.eyb").write_bytes(b"x")
    code, _, err = run(capsys, "import", str(vault_dir), str(tmp_path / "x.eyb"))
    assert code == 3 and err.count("\n") == 1
