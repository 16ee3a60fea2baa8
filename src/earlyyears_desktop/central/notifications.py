"""The children notified to the local authority, as `status --json` and
`status --notifications` list them (the plain `status` only counts them).

A health professional's notification of a child who may have SEND (Children and Families Act
2014, section 23; the `la_notification` record, sent by devices whatever the child's
consents) is the one record whose contents `status` shows: the local authority holds the
central service so that it can act on that duty. Each entry carries what the notification
says (the child's names, date of birth and NHS number, the date, who notified and their role,
the reason, whether and how the parents were told) and which device and team sent it; nothing
else of the child. Tombstones (a decision taken back as recorded by mistake) are not listed.
"""

from __future__ import annotations

import json
from typing import Any, Final

from sqlalchemy import Connection, select

from earlyyears_desktop.central import models

NOTIFICATION: Final = "la_notification"
#: the members of a notification's `data` that an entry copies, and their names there
_COPIED: Final = (
    "child_id",
    "given_names",
    "family_name",
    "date_of_birth",
    "nhs_number",
    "notified_on",
    "notified_by",
    "notified_by_role",
    "reason",
    "parents_told_on",
    "parents_told_how",
)


def notified_children(conn: Connection) -> list[dict[str, Any]]:
    """Every live notification held, oldest first (then by family name, given names, id)."""
    r = models.records.c
    d = models.devices.c
    rows = conn.execute(
        select(r.record_id, r.data, r.source, d.team, d.practitioner)
        .select_from(models.records.outerjoin(models.devices, d.device_id == r.source))
        .where(r.entity == NOTIFICATION, r.deleted.is_(False))
    )
    entries = []
    for row in rows:
        data = json.loads(row.data)
        entry: dict[str, Any] = {"record_id": row.record_id}
        for name in _COPIED:
            value = data.get(name)
            entry[name] = value if value is None or isinstance(value, str) else str(value)
        entry["parents_told_how"] = entry["parents_told_how"] or ""
        entry["device_id"] = row.source
        entry["team"] = row.team or ""
        entry["device_practitioner"] = row.practitioner or ""
        entries.append(entry)
    return sorted(
        entries,
        key=lambda e: (
            e["notified_on"] or "",
            e["family_name"] or "",
            e["given_names"] or "",
            e["record_id"],
        ),
    )


def _nhs(number: str | None) -> str:
    if not number:
        return "-"
    digits = number.replace(" ", "")
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}" if len(digits) == 10 else number


#: what the plain `status` says after the count instead of the children themselves
HOW_TO_LIST: Final = "  (`status --notifications` lists them; `status --json` includes them)"


def notifications_text(entries: list[dict[str, Any]], *, listed: bool = False) -> list[str]:
    """The lines of the plain `status`: the count only, and how to list the children (the
    plain `status` is the routine health check whose output ends up in monitoring logs, so
    it names no child); with `listed` (`status --notifications`), a short table (date,
    child, date of birth, NHS number, who notified, team, parents told)."""
    lines = [f"Children notified to the local authority: {len(entries)}"]
    if not entries:
        return lines
    if not listed:
        return [*lines, HOW_TO_LIST]
    header = ("notified", "child", "born", "NHS number", "notified by", "team", "parents told")
    table = [header]
    for e in entries:
        by = ", ".join(p for p in (e["notified_by"], e["notified_by_role"]) if p)
        told = e["parents_told_on"] or "not yet"
        table.append(
            (
                e["notified_on"] or "-",
                f"{e['given_names'] or ''} {e['family_name'] or ''}".strip() or "-",
                e["date_of_birth"] or "-",
                _nhs(e["nhs_number"]),
                by or "-",
                e["team"] or e["device_id"],
                told,
            )
        )
    widths = [max(len(line[n]) for line in table) for n in range(len(header))]
    for line in table:
        lines.append(
            "  " + "  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
        )
    return lines
