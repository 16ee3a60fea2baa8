"""A device's side of erasure instructions (docs/bundle-format.md 8.3).

Sending: every child erased here (`services/erasure.py`'s ledger, not those erased on the
central service's instruction) goes to the central service as an instruction in each export
bundle, whatever the child's consents, until a return bundle acknowledges an export that
carried it; then the ledger marks it sent. Which export last carried each is kept here
(`S_IN_FLIGHT`, local, never synchronised).

Receiving: a return bundle's instructions are kept in the import's own transaction
(`S_TO_APPLY`), so a crash after it commits loses none, and carried out right after it
(`apply_received`) through `services.erasure.erase_child(..., instructed_by_central=True)`,
each in its own transaction, then the file compacted once (VACUUM cannot run inside the
import's transaction). A child this device never held, or erased already, is passed over.

Keeping out: a return bundle the central service wrote before it carried out this device's
instruction may still hold the erased child's records. `ErasedHere` drops, before the apply,
every record whose registry child link reaches a child of the ledger (or a record it dropped
from the same bundle on the way), so the child does not come back and a record of it cannot
break a foreign key; the import counts them, without a name.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Final

from sqlalchemy.orm import Session

from earlyyears_desktop.domain.models import SYNCED_MODELS
from earlyyears_desktop.domain.record_types import RECORD_TYPES
from earlyyears_desktop.services.erasure import (
    AlreadyErased,
    ChildNotInVault,
    read_ledger,
)
from earlyyears_desktop.services.unit_of_work import Changes

from .erasure_instructions import ErasureInstruction, instruction
from .records import DecodedRecord
from .stream_state import S_ERASURES_IN_FLIGHT, clear_setting, read_setting, write_setting

if TYPE_CHECKING:
    from earlyyears_desktop.services.container import Services

#: child id -> the export sequence that last carried its instruction (JSON object)
S_IN_FLIGHT: Final = S_ERASURES_IN_FLIGHT
#: instructions received in return bundles and not yet carried out (JSON list of objects)
S_TO_APPLY: Final = "sync.erasures.to_apply"


def instructions_to_send(session: Session, device_id: str) -> list[ErasureInstruction]:
    """This device's erasures the central service has not acknowledged, oldest first."""
    return [
        instruction(e.child_id, e.erased_at, device_id, e.reason.value)
        for e in read_ledger(session)
        if not e.instructed_by_central and e.sent_in is None
    ]


def _first_hops() -> dict[str, tuple[str, str] | None]:
    """entity -> None for the child and the records naming it (`child_id`), or (the first
    reference column on the way to the child, the entity it names); absent: no child link."""
    entity_of_table = {m.__tablename__: m.entity for m in SYNCED_MODELS}
    hops: dict[str, tuple[str, str] | None] = {}
    for rtype in RECORD_TYPES:
        link = rtype.child_link
        if link is None:
            continue
        first = link.path[0] if link.path else None
        if first is None or first == "child_id":
            hops[rtype.entity] = None
            continue
        [fk] = rtype.model.__table__.columns[first].foreign_keys
        hops[rtype.entity] = (first, entity_of_table[fk.column.table.name])
    return hops


_FIRST_HOPS: Final = _first_hops()


class ErasedHere:
    """Keeps a return bundle's records of the children erased here (the ledger) out."""

    def __init__(self, session: Session) -> None:
        self.children = frozenset(e.child_id for e in read_ledger(session))
        #: records not taken back
        self.count = 0
        self._dropped: set[tuple[str, str]] = set()

    def keep(self, record: DecodedRecord) -> bool:
        """False for a record of an erased child (counted): it is not applied."""
        if not self.children or not self._of_an_erased_child(record):
            return True
        self._dropped.add((record.entity, record.id))
        self.count += 1
        return False

    def _of_an_erased_child(self, record: DecodedRecord) -> bool:
        entity = record.entity
        if entity not in _FIRST_HOPS:
            return False
        if entity == "child":
            return record.id in self.children
        hop = _FIRST_HOPS[entity]
        if hop is None:
            return record.values.get("child_id") in self.children
        parent = record.values.get(hop[0])
        return isinstance(parent, str) and (hop[1], parent) in self._dropped


def note_exported(session: Session, child_ids: Iterable[str], sequence: int) -> None:
    """The export `sequence` carried these instructions (in its recording transaction)."""
    in_flight = _in_flight(session)
    in_flight.update(dict.fromkeys(child_ids, sequence))
    _write_json(session, S_IN_FLIGHT, in_flight)


def acknowledged_erasures(
    session: Session, sequences: Iterable[int], through: int | None
) -> dict[str, int]:
    """child id -> export sequence, for the instructions whose last export a return bundle
    acknowledges; forgotten here (the caller marks them sent in the ledger)."""
    acked = set(sequences)
    in_flight = _in_flight(session)
    done = {
        child: seq
        for child, seq in in_flight.items()
        if seq in acked or (through is not None and seq <= through)
    }
    if done:
        _write_json(session, S_IN_FLIGHT, {c: s for c, s in in_flight.items() if c not in done})
    return done


def keep_received(session: Session, received: list[ErasureInstruction]) -> None:
    """Keep a return bundle's instructions, to be carried out once its import commits."""
    if not received:
        return
    waiting = _to_apply(session)
    known = {item["child_id"] for item in waiting}
    waiting.extend(i.record() for i in received if i.child_id not in known)
    _write_json(session, S_TO_APPLY, waiting)


def mark_sent(services: Services, done: dict[str, int]) -> None:
    """The ledger marks acknowledged instructions sent (in the export that was acknowledged)."""
    by_sequence: dict[int, list[str]] = {}
    for child, seq in done.items():
        by_sequence.setdefault(seq, []).append(child)
    for seq, children in sorted(by_sequence.items()):
        services.erasure.mark_instructions_sent(children, seq)


def apply_received(services: Services) -> tuple[int, Changes]:
    """Carry out the instructions received and not yet carried out: how many children were
    erased here, and what changed for the screens."""
    with services.uow.read() as session:
        waiting = _to_apply(session)
    erased = 0
    changes = Changes()
    for item in waiting:
        child_id = str(item["child_id"])
        try:
            saved = services.erasure.erase_child(
                child_id, str(item["reason"]), instructed_by_central=True, compact=False
            )
        except (ChildNotInVault, AlreadyErased):
            pass  # never held here, or erased already: nothing to do
        else:
            erased += 1
            changes = changes.merged(saved.changes)
        _forget_received(services, child_id)
    if erased:
        services.erasure.compact()
    return erased, changes


def finish_owed_erasures(services: Services) -> tuple[int, Changes]:
    """At unlock: the instructions a reply brought that were not carried out yet (the app
    stopped after the import's commit), then a compaction an earlier erasure still owes."""
    erased, changes = apply_received(services)
    services.erasure.compact_if_pending()
    return erased, changes


def _forget_received(services: Services, child_id: str) -> None:
    with services.uow.write() as tx:
        rest = [i for i in _to_apply(tx.session) if i["child_id"] != child_id]
        if rest:
            _write_json(tx.session, S_TO_APPLY, rest)
        else:
            clear_setting(tx.session, S_TO_APPLY)


def _in_flight(session: Session) -> dict[str, int]:
    value = read_setting(session, S_IN_FLIGHT)
    loaded = json.loads(value) if value else {}
    return {str(k): int(v) for k, v in loaded.items()}


def _to_apply(session: Session) -> list[dict[str, object]]:
    value = read_setting(session, S_TO_APPLY)
    return list(json.loads(value)) if value else []


def _write_json(session: Session, key: str, value: object) -> None:
    if value:
        write_setting(session, key, json.dumps(value, sort_keys=True))
    else:
        clear_setting(session, key)
