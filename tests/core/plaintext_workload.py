"""Child process for test_plaintext: a realistic session of work, then waits while open.

Usage: python plaintext_workload.py VAULT_DIR TODAY   (passphrase in EARLYYEARS_PASSPHRASE;
TODAY, as YYYY-MM-DD, is the day the services' clock reads)

Prints `open` once the work is committed and the vault is still open (WAL present), waits
for a line on stdin, locks the vault and prints `closed`.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

from sqlalchemy import text

from earlyyears_desktop.domain.enums import AttendanceStatus
from earlyyears_desktop.services.children import CarerInput, ChildFilter, ChildInput
from earlyyears_desktop.services.clock import Clock
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.groups import GroupInput
from earlyyears_desktop.services.observations import ObservationInput
from earlyyears_desktop.storage.vault import open_vault

MARKER_CHILD = ("Xanthippe-Qwertyuiop", "Zyzzogeton-Ścibórz")
MARKER_CARER = "Bartholomew-Plaintextcarer"
MARKER_NHS = "9998765439"
MARKER_WORDS = ("Snorklewhistle", "Gribbleflumpery", "Quaxelbrindle")


def main() -> int:
    today = dt.date.fromisoformat(sys.argv[2])
    services = Services(
        open_vault(Path(sys.argv[1]), os.environ["EARLYYEARS_PASSPHRASE"]), clock=Clock.fixed(today)
    )
    saved = services.children.create_child(
        ChildInput(
            MARKER_CHILD[0],
            MARKER_CHILD[1],
            today - dt.timedelta(days=1000),
            nhs_number=MARKER_NHS,
            diagnoses_notes=f"{MARKER_WORDS[2]} syndrome under investigation.",
        ),
        carers=[CarerInput(MARKER_CARER, "Father", email="bartholomew@example.org")],
        consents=[("handouts", MARKER_CARER, today)],
    )
    child = saved.id
    for n, word in enumerate(MARKER_WORDS * 3):
        services.observations.add(
            ObservationInput(
                child, f"{MARKER_CHILD[0]} said '{word}' number {n}", today - dt.timedelta(days=n)
            )
        )
    group = services.groups.add_group(GroupInput("Marker Group", weekday=today.weekday())).id
    services.groups.enrol(child, group, today - dt.timedelta(days=14))
    session = services.groups.add_session(group, today).id
    services.attendance.mark(session, child, AttendanceStatus.PRESENT.value, came_with="Dad")
    services.attendance.mark(session, child, AttendanceStatus.LATE.value, note=MARKER_WORDS[0])
    services.children.update_child(
        child,
        ChildInput(
            MARKER_CHILD[0],
            MARKER_CHILD[1],
            today - dt.timedelta(days=1000),
            preferred_name="Xanthi",
            nhs_number=MARKER_NHS,
        ),
    )
    # Reads that sort and search, which could spill to temporary files if allowed to.
    assert services.children.search_ids(ChildFilter(text="xanthippe")) == [child]
    assert services.observations.search(MARKER_WORDS[1].lower())
    with services.uow.read() as db:
        db.execute(
            text(
                "SELECT o.text, c.legal_family_name FROM observations o "
                "JOIN children c ON c.id = o.child_id ORDER BY o.text DESC, c.search_key"
            )
        ).all()
    services.children.delete_child(
        services.children.create_child(
            ChildInput(MARKER_CHILD[0], "Deleted", today - dt.timedelta(days=500))
        ).id
    )
    print("open", flush=True)
    sys.stdin.readline()
    services.vault.lock()
    print("closed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
