"""Export 100,000 changes (read, encode, sign, encrypt, write, mark exported): time and memory.

Target (docs/performance.md): <= 5 s with memory bounded, on the scale vault.

    measure_export_100k(services, out_folder) -> {"export_100k_s": ..., "export_100k_peak_mb": ...}
    measure_export_100k(context) -> seconds
    measure_export_vs_floor(context) -> {"export_100k_s", "export_floor_s", "export_vs_floor_x",
                                         "export_100k_peak_mb"}   (what benchmarks/run.py calls)

The floor (`encode_and_encrypt_floor`) is what no export can avoid: the canonical JSON of the
same records, already in memory, and AES-256-GCM over it in the bundle's chunk size. The
export and the floor run interleaved (export, floor, export, floor, ...); the ratio is the
median of the pairs' ratios, so a machine that slows down for a minute slows both sides.

The vault must be a working copy: the function prepares it the way a real device would be
before an export, and says so on stdout:
- if the device is not enrolled, it is enrolled with a throwaway central key pair;
- children without consent to share with the central service get that consent recorded
  (otherwise their records are held back and the export would measure nothing).
Then one export bundle covering the first 100,000 pending change-log entries is written.
Memory is the growth of the process's resident set size over the export, read from the kernel's
high-water mark (tracemalloc would slow the export down several times and miss C allocations).

    .venv/bin/python -m benchmarks.bench_sync            # builds a synthetic vault in /tmp
    .venv/bin/python -m benchmarks.bench_sync --vault DIR --passphrase-file F
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select

from earlyyears_desktop.domain.enums import ConsentKind
from earlyyears_desktop.domain.models import Child, Consent, Observation, new_id
from earlyyears_desktop.services.container import Services, set_up_vault
from earlyyears_desktop.storage.keyslots import KdfParams
from earlyyears_desktop.storage.vault import open_vault
from earlyyears_desktop.sync.bundle import DEFAULT_CHUNK_SIZE, TrustedSender, open_bundle
from earlyyears_desktop.sync.canonical import canonical_dumps
from earlyyears_desktop.sync.device import DeviceSync
from earlyyears_desktop.sync.enrolment_files import (
    EnrolmentRequest,
    build_enrolment_response,
    parse_enrolment_request,
)
from earlyyears_desktop.sync.entity_types import newest_announcement, synced_entity_types
from earlyyears_desktop.sync.keys import KeyPair

CHANGES = 100_000
#: export/floor pairs measured by measure_export_vs_floor
PAIRS = 3


def log(message: str) -> None:
    print(message, flush=True)


def _rss_bytes() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # not Linux: fall back to the peak so far (growth reads as 0)
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _peak_rss_bytes() -> int | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


class _RssPeak:
    """Peak resident set size growth over a block.

    On Linux the kernel's high-water mark is reset first (/proc/self/clear_refs, "5") and read
    afterwards, which costs the measured code nothing; elsewhere a thread samples every 20 ms.
    """

    def __init__(self) -> None:
        self.start = _rss_bytes()
        self.peak = self.start
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._kernel = False

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, _rss_bytes())

    def __enter__(self) -> _RssPeak:
        try:
            with open("/proc/self/clear_refs", "w") as f:
                f.write("5")
            self._kernel = _peak_rss_bytes() is not None
        except OSError:
            self._kernel = False
        self.start = _rss_bytes()
        if not self._kernel:
            self._thread = threading.Thread(target=self._run, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
        peak = _peak_rss_bytes() if self._kernel else None
        self.peak = max(self.peak, peak or 0, _rss_bytes())

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.start) / (1024 * 1024)


def ensure_enrolled(services: Services, work_dir: Path) -> None:
    sync = DeviceSync(services)
    state = sync.state()
    if state.enrolled and not state.revoked:
        return
    enrol_with_throwaway_central(services, work_dir)


def enrol_with_throwaway_central(
    services: Services, work_dir: Path
) -> tuple[KeyPair, EnrolmentRequest]:
    """Enrol the vault (a working copy: any enrolment is replaced) with a new central key pair.

    Returns that key pair and the device's enrolment request, which together read the bundles
    the device then exports (see `read_export_records`).
    """
    log("  bench_sync: enrolling the vault with a throwaway central key pair")
    sync = DeviceSync(services)
    central = KeyPair.generate()
    request = work_dir / "bench-enrolment-request.json"
    request.unlink(missing_ok=True)
    sync.enrolment_request(request)
    parsed = parse_enrolment_request(request.read_bytes())
    response = work_dir / "bench-enrolment-response.json"
    response.write_bytes(
        build_enrolment_response(
            central,
            central_id="bench-central",
            central_name="Benchmark central service (throwaway key)",
            request=parsed,
            now=dt.datetime.now(dt.UTC),
            # as the reference central service: every type at its newest schema revision
            accepted_entities=newest_announcement(synced_entity_types()),
        )
    )
    sync.enrol(response, replace=True)
    return central, parsed


def read_export_records(
    bundle: Path, device: EnrolmentRequest, central: KeyPair
) -> list[dict[str, object]]:
    """Every record of an export bundle, checked and decrypted by the product's own reader."""
    trusted = {device.signing_key_id: TrustedSender(device.device_id, device.signing_public_key)}
    with open_bundle(
        bundle,
        trusted_senders=trusted,
        recipient_private_key=central.encryption,
        expected_kind="export",
        now=dt.datetime.now(dt.UTC),
    ) as verified:
        return list(verified.records())


def encode_and_encrypt_floor(
    records: list[dict[str, object]], chunk_size: int = DEFAULT_CHUNK_SIZE
) -> float:
    """The export's floor, in seconds: canonical JSON of `records` (already in memory) and
    AES-256-GCM over the lines in chunks of the bundle's size. Nothing is read or written."""
    aead = AESGCM(AESGCM.generate_key(bit_length=256))
    started = time.perf_counter()
    buffer = bytearray()
    chunks = 0
    for record in records:
        buffer += canonical_dumps(record) + b"\n"
        while len(buffer) > chunk_size:
            aead.encrypt(chunks.to_bytes(12, "big"), bytes(buffer[:chunk_size]), None)
            del buffer[:chunk_size]
            chunks += 1
    aead.encrypt(chunks.to_bytes(12, "big"), bytes(buffer), None)
    return time.perf_counter() - started


def measure_export_vs_floor(context: Any, pairs: int = PAIRS) -> dict[str, float]:
    """Export 100,000 changes and its floor, interleaved `pairs` times (see the docstring).

    `export_100k_s` and `export_floor_s` are the medians of each side; `export_vs_floor_x`
    the median of the pairs' ratios; `export_100k_peak_mb` the largest RSS growth of an export.
    """
    services: Services = context.services
    work_dir = Path(context.work_dir)
    out = work_dir / "bench-sync-out"
    out.mkdir(parents=True, exist_ok=True)
    central, device = enrol_with_throwaway_central(services, work_dir)
    ensure_consent(services)
    sync = DeviceSync(services)
    again = sync.unsynced_count() < CHANGES
    records: list[dict[str, object]] = []
    exports: list[float] = []
    floors: list[float] = []
    peaks: list[float] = []
    for n in range(pairs):
        with _RssPeak() as memory:
            started = time.perf_counter()
            # After the first, each export re-sends the same (unacknowledged) changes.
            result = sync.export(out, again=again or n > 0, max_changes=CHANGES)
            seconds = time.perf_counter() - started
        exports.append(seconds)
        peaks.append(memory.growth_mb)
        if not records:
            records = read_export_records(result.path, device, central)
        result.path.unlink()
        floors.append(encode_and_encrypt_floor(records))
        log(
            f"  bench_sync: pair {n + 1}: export {seconds:.2f} s ({result.changes_included} "
            f"changes, {result.record_count} records, peak RSS growth {memory.growth_mb:.1f} MB)"
            f"; floor {floors[-1]:.2f} s ({len(records)} records)"
        )
    return {
        "export_100k_s": statistics.median(exports),
        "export_floor_s": statistics.median(floors),
        "export_vs_floor_x": statistics.median(a / b for a, b in zip(exports, floors, strict=True)),
        "export_100k_peak_mb": max(peaks),
    }


def ensure_consent(services: Services) -> None:
    with services.uow.read() as session:
        consenting = set(
            session.scalars(
                select(Consent.child_id).where(
                    Consent.kind == ConsentKind.SHARE_WITH_CENTRAL.value,
                    Consent.given.is_(True),
                    Consent.withdrawn_on.is_(None),
                    Consent.deleted_at.is_(None),
                )
            )
        )
        missing = [c for c in session.scalars(select(Child.id)) if c not in consenting]
    if not missing:
        return
    log(
        f"  bench_sync: recording consent to share with the central service for {len(missing)} "
        "children of the working copy"
    )
    today = dt.date.today()
    for start in range(0, len(missing), 5_000):
        with services.uow.write() as tx:
            tx.session.add_all(
                Consent(
                    child_id=child_id,
                    kind=ConsentKind.SHARE_WITH_CENTRAL.value,
                    given=True,
                    given_by="Benchmark",
                    given_on=today,
                )
                for child_id in missing[start : start + 5_000]
            )


def measure_export_100k(context_or_services: Any, out_folder: Path | None = None) -> Any:
    """See the module docstring. With a BenchContext, returns the seconds (a float)."""
    if out_folder is None:
        services: Services = context_or_services.services
        work_dir = Path(context_or_services.work_dir)
        figures = _measure(services, work_dir / "bench-sync-out", work_dir)
        log(f"  export_100k_peak_mb = {figures['export_100k_peak_mb']:.1f}")
        return figures["export_100k_s"]
    return _measure(context_or_services, Path(out_folder), Path(out_folder))


def _measure(services: Services, out_folder: Path, work_dir: Path) -> dict[str, float]:
    out_folder.mkdir(parents=True, exist_ok=True)
    work_dir.mkdir(parents=True, exist_ok=True)
    ensure_enrolled(services, work_dir)
    ensure_consent(services)
    sync = DeviceSync(services)
    pending = sync.unsynced_count()
    again = pending < CHANGES
    if again:
        log(
            f"  bench_sync: only {pending} changes not yet exported; re-sending unacknowledged ones"
        )
    with _RssPeak() as memory:
        started = time.perf_counter()
        result = sync.export(out_folder, again=again, max_changes=CHANGES)
        seconds = time.perf_counter() - started
    log(
        f"  bench_sync: {result.changes_included} changes, {result.record_count} records, "
        f"{result.path.stat().st_size / 1e6:.1f} MB bundle, {seconds:.2f} s, "
        f"peak RSS growth {memory.growth_mb:.1f} MB"
    )
    return {
        "export_100k_s": round(seconds, 4),
        "export_100k_peak_mb": round(memory.growth_mb, 2),
        "export_100k_changes": float(result.changes_included),
        "export_100k_records": float(result.record_count),
    }


def build_synthetic_vault(folder: Path, passphrase: str, changes: int = CHANGES) -> Services:
    """A vault with 1,000 children (with consent) and enough observations for `changes`."""
    created = set_up_vault(
        folder,
        team_name="Benchmark Team",
        practitioner_name="Bench Practitioner",
        role="group_leader",
        passphrase=passphrase,
        params=KdfParams.for_tests(),
    )
    services = Services(created.vault)
    # The ids are chosen here, so the 2,000 rows go in one flush (a flush per child took
    # most of the building time).
    child_ids = [new_id() for _ in range(1_000)]
    with services.uow.write() as tx:
        for i, child_id in enumerate(child_ids):
            tx.session.add(
                Child(
                    id=child_id,
                    legal_given_names=f"Given{i}",
                    legal_family_name=f"Family{i}",
                    date_of_birth=dt.date(2023, 1, 1) + dt.timedelta(days=i % 700),
                )
            )
            tx.session.add(
                Consent(
                    child_id=child_id,
                    kind=ConsentKind.SHARE_WITH_CENTRAL.value,
                    given_by="Parent",
                    given_on=dt.date(2026, 1, 1),
                )
            )
    remaining = changes - 2_000
    text = "Played with the shape sorter for ten minutes and named three colours. " * 3
    for start in range(0, remaining, 10_000):
        with services.uow.write() as tx:
            tx.session.add_all(
                Observation(
                    child_id=child_ids[i % len(child_ids)],
                    observed_on=dt.date(2026, 10, 1) + dt.timedelta(days=i % 50),
                    text=text,
                    area_of_need="communication_and_interaction",
                )
                for i in range(start, min(start + 10_000, remaining))
            )
    return services


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vault", type=Path, help="a working copy of a vault (changed!)")
    parser.add_argument("--passphrase-file", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if args.vault:
            secret = args.passphrase_file.read_text().rstrip("\n")
            services = Services(open_vault(args.vault, secret))
        else:
            log("Building a synthetic vault with 100,000 changes...")
            started = time.perf_counter()
            services = build_synthetic_vault(work / "vault", "bench passphrase 2026")
            log(f"  built in {time.perf_counter() - started:.1f} s")
        try:
            figures = measure_export_100k(services, work / "out")
        finally:
            services.vault.lock()
    for key, value in sorted(figures.items()):
        log(f"{key} = {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
