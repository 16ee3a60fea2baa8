"""Files the command lines read whole are read with a cap: /dev/zero and a 1 GB file are
refused after a few kilobytes, in one line, with the documented exit code."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from earlyyears_desktop.storage.file_limits import FileTooLarge, read_small_file

from .conftest import CENTRAL, DEVICE, run

ONE_GB = 1 << 30


@pytest.fixture
def gigabyte_file(home: Path) -> Path:
    """A real 1 GB file: sparse, so it costs no disk, but reading it whole costs 1 GB."""
    path = home / "big.json"
    with open(path, "wb") as f:
        f.truncate(ONE_GB)
    return path


@pytest.fixture(params=["dev-zero", "one-gigabyte"])
def huge(request: pytest.FixtureRequest) -> Path:
    if request.param == "dev-zero":
        return Path("/dev/zero")
    path: Path = request.getfixturevalue("gigabyte_file")
    return path


def test_read_small_file_stops_one_byte_past_the_cap(home: Path) -> None:
    path = home / "three"
    path.write_bytes(b"abc")
    assert read_small_file(path, 3) == b"abc"
    with pytest.raises(FileTooLarge):
        read_small_file(path, 2)
    with pytest.raises(FileTooLarge):
        read_small_file(Path("/dev/zero"), 4096)


def test_a_huge_passphrase_file_is_refused(vault: Path, huge: Path) -> None:
    result = run(DEVICE, "info", vault, "--passphrase-file", huge)
    line = result.one_line(2)
    assert f"Cannot read the passphrase file {huge}" in line
    assert "more than 4 KiB" in line


def test_a_huge_central_passphrase_file_is_refused(central: Path, huge: Path) -> None:
    result = run(CENTRAL, "ingest", central, "no-such.eyb", "--passphrase-file", huge)
    assert "more than 4 KiB" in result.one_line(2)


def test_a_passphrase_file_still_works(vault: Path, home: Path) -> None:
    given = home / "passphrase.txt"
    given.write_text("correct horse battery staple\n")
    result = run(
        DEVICE, "info", vault, "--passphrase-file", given, env={"EARLYYEARS_PASSPHRASE": ""}
    )
    assert result.code == 0, result.err


def test_a_huge_enrolment_response_is_refused(vault: Path, home: Path, huge: Path) -> None:
    asked = run(DEVICE, "enrol-request", vault, "--out", home / "request.json")
    assert asked.code == 0, asked.err
    result = run(DEVICE, "enrol", vault, huge)
    line = result.one_line(4)
    assert "not-an-enrolment-file" in line and "more than 64 KiB" in line


def test_a_huge_enrolment_request_is_refused_by_the_central_service(
    central: Path, home: Path, huge: Path
) -> None:
    result = run(CENTRAL, "enrol", central, huge, "--out", home / "response.json")
    line = result.one_line(4)
    assert "not-an-enrolment-file" in line and "more than 64 KiB" in line
    assert not (home / "response.json").exists()


def test_a_huge_key_slot_file_is_damaged(vault: Path, gigabyte_file: Path) -> None:
    os.replace(gigabyte_file, vault / "keyslots.json")
    result = run(DEVICE, "info", vault)
    assert "key-slot file" in result.one_line(2) and "damaged" in result.err


def test_a_huge_central_key_file_is_damaged(central: Path, gigabyte_file: Path) -> None:
    os.replace(gigabyte_file, central / "keys.json")
    result = run(CENTRAL, "ingest", central, "no-such.eyb")
    assert "key file" in result.one_line(1) and "damaged" in result.err


def test_a_huge_central_configuration_is_damaged(central: Path, gigabyte_file: Path) -> None:
    os.replace(gigabyte_file, central / "central.json")
    result = run(CENTRAL, "status", central)
    assert "central.json" in result.one_line(1) and "damaged" in result.err
