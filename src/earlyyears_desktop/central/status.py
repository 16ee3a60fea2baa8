"""What the central service holds, as stable JSON: ids, counts and fingerprints, and the
children notified to the local authority.

The same state always gives the same document (sorted keys, sorted lists, no timestamp of
the command itself), so scripts and tests can compare it. Record contents, and names of
children or carers, never appear, with one exception: the notifications of children who may
have SEND (`central/notifications.py`), which the local authority holds the service to act
on: in the JSON document, and in the plain text only when asked (`status --notifications`;
the plain `status` counts them). Erasures carried out (`central/erasures.py`) are listed by
ids and dates in the JSON document and counted in the plain text. Devices are listed with the
practitioner and team labels given in their enrolment request so that an administrator can
tell them apart.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.exc import SQLAlchemyError

from earlyyears_desktop.central import models
from earlyyears_desktop.central.erasures import erasure_report, refused_report
from earlyyears_desktop.central.folder import CentralFolder, database_error
from earlyyears_desktop.central.notifications import notifications_text, notified_children
from earlyyears_desktop.central.returns import acknowledgements
from earlyyears_desktop.sync.keys import fingerprint


def status(central: CentralFolder) -> dict[str, Any]:
    try:
        with central.engine.connect() as conn:
            return _status(central, conn)
    except SQLAlchemyError as exc:
        raise database_error(exc) from None


def status_json(central: CentralFolder) -> str:
    return json.dumps(status(central), sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def _status(central: CentralFolder, conn: Connection) -> dict[str, Any]:
    config = central.config
    d = models.devices.c
    a = models.accepted_bundles.c
    s = models.return_streams.c

    gaps = _gaps(conn)
    gaps_by_device: dict[str, list[dict[str, int]]] = defaultdict(list)
    for gap in gaps:
        gaps_by_device[gap["device_id"]].append({"from": gap["from"], "to": gap["to"]})
    returns = {
        row.device_id: int(row.last_sequence)
        for row in conn.execute(select(s.device_id, s.last_sequence))
    }
    devices = []
    for row in conn.execute(select(models.devices).order_by(d.device_id)):
        count, last = conn.execute(
            select(func.count(), func.max(a.sequence)).where(a.sender_key_id == row.signing_key_id)
        ).one()
        _sequences, through = acknowledgements(conn, row.signing_key_id)
        devices.append(
            {
                "device_id": row.device_id,
                "practitioner": row.practitioner,
                "team": row.team,
                "status": row.status,
                "cipher_suite": row.cipher_suite,
                "signing_fingerprint": fingerprint(row.signing_key_id),
                "encryption_fingerprint": fingerprint(row.encryption_key_id),
                "bundles_accepted": int(count),
                "last_sequence": None if last is None else int(last),
                "acknowledged_through": through,
                "gaps": gaps_by_device.get(row.device_id, []),
                "return_bundles_written": returns.get(row.device_id, 0),
            }
        )

    r = models.records.c
    records: dict[str, dict[str, int]] = {}
    for row in conn.execute(
        select(r.entity, r.deleted, func.count()).group_by(r.entity, r.deleted)
    ):
        entry = records.setdefault(row.entity, {"total": 0, "deleted": 0, "roster": 0})
        entry["total"] += int(row[2])
        if row.deleted:
            entry["deleted"] += int(row[2])
    for row in conn.execute(
        select(r.entity, func.count()).where(r.roster_team.is_not(None)).group_by(r.entity)
    ):
        records[row.entity]["roster"] = int(row[1])

    c = models.conflicts.c
    conflicts = [
        {
            "entity": row.entity,
            "record_id": row.record_id,
            "kind": row.kind,
            "kept_version": int(row.kept_version),
            "kept_source": row.kept_source,
            "incoming_version": int(row.incoming_version),
            "incoming_source": row.incoming_source,
            "bundle_id": row.bundle_id,
            "status": row.status,
        }
        for row in conn.execute(select(models.conflicts).order_by(c.entity, c.record_id, c.id))
    ]
    q = models.quarantine.c
    quarantined = [
        {"file": row.file, "reason": row.reason, "code": row.code}
        for row in conn.execute(select(q.file, q.reason, q.code).order_by(q.file, q.code))
    ]
    reconciliations = _reconciliations(conn)
    notifications = notified_children(conn)
    erasures = erasure_report(conn)
    erasures_refused = refused_report(conn)
    return {
        "format": "earlyyears-central-status",
        "format_version": 1,
        "central": {
            "central_id": config.central_id,
            "cipher_suite": config.suite.value,
            "signing_fingerprint": config.signing_fingerprint,
            "encryption_fingerprint": config.encryption_fingerprint,
            "database": _backend(central),
        },
        "devices": devices,
        "records": records,
        "gaps": gaps,
        "conflicts": conflicts,
        "reconciliations": reconciliations,
        "quarantined": quarantined,
        "notifications": notifications,
        "erasures": erasures,
        "erasures_refused": erasures_refused,
        "totals": {
            "devices": len(devices),
            "devices_active": sum(1 for dev in devices if dev["status"] == "active"),
            "bundles_accepted": sum(dev["bundles_accepted"] for dev in devices),
            "records": sum(entry["total"] for entry in records.values()),
            "gaps": len(gaps),
            "conflicts": len(conflicts),
            "conflicts_open": sum(1 for c in conflicts if c["status"] == "open"),
            "reconciliations": len(reconciliations),
            "quarantined": len(quarantined),
            "notifications": len(notifications),
            "erasures": len(erasures),
            "erasures_to_tell": sum(1 for e in erasures if e["devices_to_tell"]),
            "erasures_refused": len(erasures_refused),
        },
    }


def _backend(central: CentralFolder) -> str:
    return central.engine.url.get_backend_name()


def _gaps(conn: Connection) -> list[dict[str, Any]]:
    g = models.gaps.c
    return [
        {"device_id": row.device_id, "from": int(row.first_missing), "to": int(row.last_missing)}
        for row in conn.execute(
            select(g.device_id, g.first_missing, g.last_missing).order_by(
                g.device_id, g.first_missing, g.sender_key_id
            )
        )
    ]


def _reconciliations(conn: Connection) -> list[dict[str, Any]]:
    """Attendance for one (session, child) sent by more than one device: both kept."""
    m = models.attendance_marks.c
    pairs = (
        select(m.session_id, m.child_id)
        .group_by(m.session_id, m.child_id)
        .having(func.count(func.distinct(m.source)) > 1)
        .subquery()
    )
    rows = conn.execute(
        select(
            m.session_id,
            m.child_id,
            m.record_id,
            m.source,
            m.changed_by_device,
            m.recorded_by,
            m.recorded_at,
        )
        .join(pairs, (pairs.c.session_id == m.session_id) & (pairs.c.child_id == m.child_id))
        .order_by(m.session_id, m.child_id, m.record_id)
    )
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        grouped[(row.session_id, row.child_id)].append(
            {
                "record_id": row.record_id,
                "source": row.source,
                "changed_by_device": row.changed_by_device,
                "recorded_by": row.recorded_by,
                "recorded_at": row.recorded_at,
            }
        )
    return [
        {"entity": "attendance", "session_id": session, "child_id": child, "marks": marks}
        for (session, child), marks in sorted(grouped.items())
    ]


def status_text(doc: dict[str, Any], *, notifications: bool = False) -> str:
    """A short human summary of the same facts. The children notified to the local
    authority are counted, and listed only with `notifications` (`status --notifications`):
    the plain `status` is the routine health check, and its output ends up in logs."""
    lines = [
        f"Central service {doc['central']['central_id']} ({doc['central']['database']})",
        f"  signing key     {doc['central']['signing_fingerprint']}",
        f"  encryption key  {doc['central']['encryption_fingerprint']}",
        "",
        f"Devices: {doc['totals']['devices']} ({doc['totals']['devices_active']} active)",
    ]
    for dev in doc["devices"]:
        last = "-" if dev["last_sequence"] is None else dev["last_sequence"]
        lines.append(
            f"  {dev['device_id']}  {dev['status']}  bundles {dev['bundles_accepted']}, "
            f"last sequence {last}, returns {dev['return_bundles_written']}"
        )
        lines.append(
            f"      signing {dev['signing_fingerprint']}  "
            f"encryption {dev['encryption_fingerprint']}"
        )
    lines.append("")
    lines.append(f"Records: {doc['totals']['records']}")
    for entity, entry in sorted(doc["records"].items()):
        lines.append(
            f"  {entity}: {entry['total']} ({entry['deleted']} deleted, {entry['roster']} roster)"
        )
    lines.append(f"Gaps: {doc['totals']['gaps']}")
    for gap in doc["gaps"]:
        missing = gap["from"] if gap["from"] == gap["to"] else f"{gap['from']}-{gap['to']}"
        lines.append(f"  {gap['device_id']}: sequence {missing} not received")
    lines.append(
        f"Conflicts kept: {doc['totals']['conflicts']} ({doc['totals']['conflicts_open']} open)"
    )
    for conflict in doc["conflicts"]:
        lines.append(
            f"  {conflict['entity']} {conflict['record_id']}: {conflict['kind']} "
            f"(kept v{conflict['kept_version']} from {conflict['kept_source']}, "
            f"other v{conflict['incoming_version']} from {conflict['incoming_source']}), "
            f"{conflict['status']}"
        )
    lines.append(f"Attendance to reconcile: {doc['totals']['reconciliations']}")
    for item in doc["reconciliations"]:
        devices = ", ".join(mark["source"] for mark in item["marks"])
        lines.append(f"  session {item['session_id']} child {item['child_id']}: {devices}")
    lines.append(f"Quarantined: {doc['totals']['quarantined']}")
    for item in doc["quarantined"]:
        kept = item["file"] or "(no copy kept)"
        lines.append(f"  {kept} ({item['code']}): {item['reason']}")
    lines.extend(notifications_text(doc["notifications"], listed=notifications))
    lines.append(
        f"Children erased on instruction: {doc['totals']['erasures']} "
        f"({doc['totals']['erasures_to_tell']} still to reach other devices)"
    )
    if doc["erasures"]:
        lines.append("  (`status --json` lists them: ids and dates)")
    lines.append(
        f"Erasure instructions refused: {doc['totals']['erasures_refused']} "
        "(the sending device could not hold the child)"
    )
    for item in doc["erasures_refused"]:
        lines.append(
            f"  child {item['child_id']} from {item['device_id']} (bundle {item['bundle_id']})"
        )
    return "\n".join(lines) + "\n"
