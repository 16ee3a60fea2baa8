"""Sync sees tombstones although every other read of the vault hides them.

The export streams rows through Core and would carry tombstones anyway; the import applier and
conflict handling read through the ORM, and would not find a local tombstone (and try to insert
the record again) without `UnitOfWork.including_deleted()`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from earlyyears_desktop.domain.errors import NotFound
from earlyyears_desktop.domain.models import Child
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.sync.records import decode_record, encode_record

from .conftest import Central, add_child, enrol


def test_a_removed_carer_still_travels_as_a_tombstone(
    services: Services, central: Central, tmp_path: Path
) -> None:
    child = add_child(services, "Tomos", "Gone", carer="Removed Carer")
    sync = enrol(services, central, tmp_path)
    sync.export(tmp_path)
    [carer] = services.children.get_child(child).carers
    services.children.remove_carer(carer.id)
    assert services.children.get_child(child).carers == ()

    records = list(central.open_export(sync.export(tmp_path).path).records())
    assert [(r["entity"], r["id"], r["deleted"]) for r in records] == [("carer", carer.id, True)]
    assert decode_record(records[0]).values["deleted_at"] is not None


def test_a_stale_central_copy_does_not_bring_back_a_deleted_child(
    services: Services, central: Central, tmp_path: Path
) -> None:
    sync = enrol(services, central, tmp_path)
    mine = add_child(services, "Local", "Deleted")
    with services.uow.read() as session:
        child = session.get(Child, mine)
        assert child is not None
        stale = encode_record(child)
    services.children.delete_child(mine)
    sync.export(tmp_path)
    central.return_bundle(tmp_path / "ack.eyb", acknowledged=[1])
    sync.import_return(tmp_path / "ack.eyb")

    central.return_bundle(tmp_path / "stale.eyb", [stale])
    result = sync.import_return(tmp_path / "stale.eyb")
    assert result.unchanged == 1 and result.applied == 0
    with pytest.raises(NotFound):
        services.children.get_child(mine)
