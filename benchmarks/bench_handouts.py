"""30 personalised handouts in one PDF: read the session, lay out, write atomically.

Target (docs/performance.md): <= 3 s, on the scale vault's 30-child session dated today.

    measure_handouts_30(context) -> seconds      (what benchmarks/run.py calls)

The vault is the harness's working copy. The function prepares today's 30-child session the
way a real one looks after the register and the observations are done, and says so on stdout:
- all 30 children are marked present (the mark benchmarks leave a mix of statuses);
- each gets the "Personalised handouts" consent if none is in force (the scale vault records
  no consents, and a child without it gets no handout, so nothing would be measured);
- each gets two observations from the session, one shared with parents and one not;
- the session gets its activities; three main carers ask for large print and two for high
  contrast, so every look is laid out.
Then `build_session_handouts` runs 1 + 5 times into the work folder; the first (cold: fonts
registered, reportlab imported) is logged, the figure is the median of the five after it.

    .venv/bin/python -m benchmarks.bench_handouts       # on a copy of the cached scale vault
"""

from __future__ import annotations

import datetime as dt
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from earlyyears_desktop.domain.enums import AccessibleFormat, AttendanceStatus, ConsentKind
from earlyyears_desktop.handouts import build_session_handouts
from earlyyears_desktop.services.children import CarerInput
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.services.observations import ObservationInput

ACTIVITIES = (
    "Hello song with everyone's name\n"
    "Bubbles: waiting for 'ready, steady… go!'\n"
    "Cornflour and glitter tray\n"
    "Parachute games\n"
    "Tidy-up song and a drink together"
)
REPEATS = 5


def prepare_session(services: Services, session_id: str, child_ids: tuple[str, ...]) -> None:
    """Make today's session look like one just held (see the module docstring)."""
    today = dt.date.today()
    services.groups.update_session(session_id, activities=ACTIVITIES)
    formats = [AccessibleFormat.LARGE_PRINT] * 3 + [AccessibleFormat.HIGH_CONTRAST] * 2
    consents = 0
    for n, child_id in enumerate(child_ids):
        services.attendance.mark(session_id, child_id, AttendanceStatus.PRESENT.value)
        record = services.children.get_child(child_id)
        name = record.preferred_name or record.legal_given_names.split()[0]
        if not record.consent_in_force(ConsentKind.HANDOUTS.value):
            given_by = record.carers[0].name if record.carers else "Parent"
            services.children.record_consent(
                child_id, ConsentKind.HANDOUTS.value, given_by, today - dt.timedelta(days=30)
            )
            consents += 1
        if n < len(formats) and record.carers:
            carer = record.carers[0]
            services.children.update_carer(
                carer.id,
                CarerInput(
                    carer.name,
                    carer.relationship,
                    carer.phone,
                    carer.email,
                    carer.preferred_language,
                    carer.interpreter_needed,
                    formats[n].value,
                    carer.is_main_contact,
                ),
            )
        for text, shared in (
            (f"{name} waited for 'go!' and then blew the bubbles, smiling at Mum.", True),
            (f"{name} was unsettled at the start; settled with the ear defenders.", False),
        ):
            services.observations.add(
                ObservationInput(
                    child_id,
                    text,
                    today,
                    context="session",
                    session_id=session_id,
                    area_of_need="communication_and_interaction",
                    share_with_parents=shared,
                )
            )
    print(
        f"  handouts: prepared today's session: {len(child_ids)} marked present, "
        f"{consents} handouts consents recorded, {2 * len(child_ids)} observations "
        f"(half shared), activities set, {len(formats)} carers given an accessible format",
        flush=True,
    )


def measure_handouts_30(context: Any) -> float:
    services: Services = context.services
    session_id: str = context.register_session_id
    kids: tuple[str, ...] = tuple(context.register_child_ids)
    prepare_session(services, session_id, kids)
    out = Path(context.work_dir) / "handouts-30.pdf"
    times = []
    result = None
    for _ in range(REPEATS + 1):
        start = time.perf_counter()
        result = build_session_handouts(services, session_id, out)
        times.append(time.perf_counter() - start)
    assert result is not None and len(result.children_included) == len(kids), (
        "every child of the session must get a handout"
    )
    print(
        f"  handouts: {len(result.children_included)} handouts, {result.pages} pages, "
        f"{out.stat().st_size // 1024} KiB; first (cold) run {times[0]:.2f} s, "
        f"then median {statistics.median(times[1:]):.2f} s",
        flush=True,
    )
    try:
        from benchmarks.run import DETAILS

        DETAILS.append(
            f"Handouts: {len(result.children_included)} handouts on {result.pages} pages; "
            f"the first (cold) run took {times[0]:.2f} s, `handouts_30_s` is the median of "
            f"the {REPEATS} after it."
        )
        DETAILS.append("")
    except ImportError:  # run on its own
        pass
    out.unlink(missing_ok=True)
    return statistics.median(times[1:])


def main() -> int:
    from benchmarks.run import BenchContext, ensure_register_session
    from benchmarks.scale import scale_vault
    from earlyyears_desktop.storage.vault import open_vault

    scale = scale_vault()
    with tempfile.TemporaryDirectory(prefix="bench-handouts-") as tmp:
        work = Path(tmp)
        folder = work / "vault"
        shutil.copytree(scale.folder, folder)
        vault = open_vault(folder, scale.passphrase)
        try:
            services = Services(vault)
            session_id = ensure_register_session(services, scale)
            context = BenchContext(
                folder, scale.passphrase, services, session_id, scale.register_child_ids, work
            )
            print(f"handouts_30_s: {measure_handouts_30(context):.3f}")
        finally:
            vault.lock()
    return 0


if __name__ == "__main__":
    sys.exit(main())
