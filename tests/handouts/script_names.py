"""Children named in many scripts, added to a vault through the services, marked present.

Used by test_scripts.py, and by hand to look at the pages:
    python tests/handouts/script_names.py VAULT_DIR SESSION_ID   (passphrase from
    $EARLYYEARS_PASSPHRASE)
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from dataclasses import dataclass

from earlyyears_desktop.domain.enums import AccessibleFormat, ConsentKind
from earlyyears_desktop.services.children import CarerInput, ChildInput
from earlyyears_desktop.services.container import Services


@dataclass(frozen=True)
class ScriptName:
    script: str
    given: str
    family: str
    carer: str
    #: the shipped or system font the name must be drawn in (pdffonts' base name, no subset tag)
    fonts: tuple[str, ...]
    #: whether pdftotext reads the name back as typed (not after Arabic joining or reordering)
    reads_back: bool = True
    accessible_format: str = AccessibleFormat.STANDARD.value


CJK = ("DroidSansFallback", "WenQuanYiZenHei")
NAMES = (
    ScriptName("Chinese", "小明", "王", "王芳", CJK),
    ScriptName("Japanese", "さくら", "佐藤", "佐藤 由美", CJK),
    ScriptName("Korean", "지우", "김", "김 민서", ("WenQuanYiZenHei",)),
    ScriptName("Arabic", "محمد", "علي", "فاطمة علي", ("NotoNaskhArabic-Regular",), False),
    ScriptName("Urdu", "زینب", "خان", "عائشہ خان", ("NotoNaskhArabic-Regular",), False),
    ScriptName("Hebrew", "דוד", "כהן", "שרה כהן", ("NotoSansHebrew-Regular",), False),
    ScriptName("Devanagari", "आरव", "शर्मा", "प्रिया शर्मा", ("NotoSansDevanagari-Regular",), False),
    ScriptName("Bengali", "অনিকা", "রহমান", "নাসরিন রহমান", ("NotoSansBengali-Regular",), False),
    ScriptName("Gurmukhi", "ਹਰਪ੍ਰੀਤ", "ਸਿੰਘ", "ਜਸਪ੍ਰੀਤ ਕੌਰ", ("NotoSansGurmukhi-Regular",), False),
    ScriptName("Gujarati", "કિંજલ", "પટેલ", "હેતલ પટેલ", ("NotoSansGujarati-Regular",), False),
    ScriptName(
        "Tamil",
        "செல்வி",
        "முருகன்",
        "கவிதா முருகன்",
        ("NotoSansTamil-Regular", "NotoSansTamil-Bold"),
        False,
        AccessibleFormat.HIGH_CONTRAST.value,
    ),
)


def add_child(
    services: Services, session_id: str, given: str, family: str, carer: str, **carer_kw: str
) -> str:
    """A child with a carer and handouts consent, enrolled in the session's group and marked
    present at it."""
    session = next(s for s in services.groups.sessions() if s.id == session_id)
    since = session.date - dt.timedelta(days=30)
    saved = services.children.create_child(
        ChildInput(
            legal_given_names=given,
            legal_family_name=family,
            date_of_birth=session.date - dt.timedelta(days=900),
        ),
        carers=[CarerInput(carer, "Mother", is_main_contact=True, **carer_kw)],
        consents=[(ConsentKind.HANDOUTS.value, carer, since)],
    )
    services.groups.enrol(saved.id, session.group_id, since)
    services.attendance.mark(session_id, saved.id, "present")
    return str(saved.id)


def add_all(services: Services, session_id: str) -> dict[str, str]:
    """Every name in NAMES, by script: child id."""
    return {
        n.script: add_child(
            services,
            session_id,
            n.given,
            n.family,
            n.carer,
            accessible_format=n.accessible_format,
        )
        for n in NAMES
    }


if __name__ == "__main__":
    from earlyyears_desktop.storage.vault import open_vault

    vault = open_vault(sys.argv[1], os.environ["EARLYYEARS_PASSPHRASE"])
    try:
        print(add_all(Services(vault), sys.argv[2]))
    finally:
        vault.lock()
