"""Key-slot files edited by hand or by an attacker: refused as damaged, in a few seconds and
with bounded memory, by the one parser that reads both the vault's keyslots.json and the
central service's keys.json."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from earlyyears_desktop.storage.keyslots import MAX_KDF_COST_KIB, KdfParams

from .conftest import CENTRAL, DEVICE, run

DEEP = 200_000


def _expensive(doc: dict[str, object]) -> str:
    for slot in doc["slots"]:  # type: ignore[attr-defined]
        slot["kdf"].update(memory_kib=4 * 1024 * 1024, iterations=64, lanes=16)
    return json.dumps(doc)


def _nested_label(doc: dict[str, object]) -> str:
    text = json.dumps(doc)
    label = f'"label": {"[" * DEEP}{"]" * DEEP}'
    return text.replace('"label": "', f'{label}, "old_label": "', 1)


def _nested_file(_doc: dict[str, object]) -> str:
    return "[" * DEEP + "]" * DEEP


def _lanes_1e400(doc: dict[str, object]) -> str:
    text = json.dumps(doc)
    assert '"lanes": ' in text
    return text.replace('"lanes": 1', '"lanes": 1e400').replace('"lanes": 4', '"lanes": 1e400')


EDITS: dict[str, Callable[[dict[str, object]], str]] = {
    "argon2id-4GiB-64-iterations-16-lanes": _expensive,
    "label-nested-200000-deep": _nested_label,
    "file-nested-200000-deep": _nested_file,
    "lanes-1e400": _lanes_1e400,
}


@pytest.fixture(params=list(EDITS))
def edit(request: pytest.FixtureRequest) -> Callable[[Path], None]:
    change = EDITS[request.param]

    def apply(path: Path) -> None:
        path.write_text(change(json.loads(path.read_text())))

    return apply


def test_an_edited_vault_key_slot_file_is_damaged(
    vault: Path, edit: Callable[[Path], None]
) -> None:
    edit(vault / "keyslots.json")
    line = run(DEVICE, "info", vault).one_line(2)
    assert line == f"The vault's key-slot file in {vault} is damaged."


def test_an_edited_central_key_file_is_damaged(central: Path, edit: Callable[[Path], None]) -> None:
    edit(central / "keys.json")
    line = run(CENTRAL, "ingest", central, "no-such.eyb").one_line(1)
    assert line == f"The central service's key file in {central} is missing or damaged."


@pytest.mark.parametrize(
    ("params", "accepted"),
    [
        (KdfParams.for_tests(), True),
        (KdfParams(), True),  # 256 MiB, 3 passes: the most calibration chooses memory-wise
        (KdfParams(1024 * 1024, 1, 4), True),  # 1 GiB, once: the memory ceiling
        (KdfParams(256 * 1024, 10, 4), True),
        (KdfParams(256 * 1024, 11, 4), False),
        (KdfParams(1024 * 1024, 2, 4), False),
        (KdfParams(1024 * 1024 + 1024, 1, 4), False),
        (KdfParams(4 * 1024 * 1024, 64, 16), False),
        (KdfParams(8_192, 1, 17), False),
        (KdfParams(8_192, 0, 1), False),
    ],
)
def test_which_argon2id_costs_a_slot_may_ask_for(params: KdfParams, accepted: bool) -> None:
    assert params.within_limits is accepted


def test_calibration_never_writes_a_slot_that_would_be_refused() -> None:
    # Asked for a minute, calibration would pick dozens of passes over 256 MiB.
    params = KdfParams.calibrated(target_seconds=60)
    assert params.memory_kib == 256 * 1024
    assert params.within_limits
    assert params.cost_kib <= MAX_KDF_COST_KIB < params.memory_kib * (params.iterations + 3)
