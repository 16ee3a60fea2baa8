"""Names in many scripts print in a font that has their letters, in the right order and shape.

The Noto fonts for Arabic, Hebrew and the Indic scripts ship with the package, so those tests
always run; Chinese, Japanese and Korean come from system fonts (Debian's
fonts-droid-fallback and fonts-wqy-zenhei, installed by scripts/install-system-packages.sh)
and are skipped, with the reason, on a computer without them.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from earlyyears_desktop.handouts import HandoutResult, build_session_handouts, fonts, scripts
from earlyyears_desktop.services.container import Services
from earlyyears_desktop.storage.vault import open_vault

from .conftest import PASSPHRASE, TODAY, Prepared, pdf_text
from .script_names import NAMES, ScriptName, add_all, add_child

#: assigned to no character: no font anywhere can draw it
NO_GLYPH = "\U0003fffd"


@dataclass
class Made:
    result: HandoutResult
    fonts: set[str]
    text: str
    ids: dict[str, str]


def _pdf_fonts(path: Path) -> set[str]:
    done = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    return {line.split()[0].split("+")[-1] for line in done.stdout.splitlines()[2:] if line}


@pytest.fixture(scope="module")
def made(prepared: Prepared, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Made]:
    """The session's handouts with a child named in every script of NAMES (made once)."""
    folder = tmp_path_factory.mktemp("scripts") / "vault"
    shutil.copytree(prepared.folder, folder)
    vault = open_vault(folder, PASSPHRASE)
    try:
        services = Services(vault, today=lambda: TODAY)
        ids = add_all(services, prepared.session_id)
        out = folder.parent / "handouts.pdf"
        result = build_session_handouts(services, prepared.session_id, out)
        yield Made(result, _pdf_fonts(out), pdf_text(out), ids)
    finally:
        vault.lock()


def _needs_system_font(name: ScriptName) -> None:
    lacking = [c for c in name.given + name.family if fonts.fallback_for(c) is None]
    if lacking and name.fonts[0] not in _shipped():
        pytest.skip(
            f"no {name.script} font is installed (scripts/install-system-packages.sh "
            "installs fonts-droid-fallback and fonts-wqy-zenhei)"
        )


def _shipped() -> set[str]:
    folder = Path(fonts.__file__).parents[1] / "resources" / "fonts"
    return {p.stem for p in folder.glob("*.ttf")}


@pytest.mark.parametrize("name", NAMES, ids=lambda n: n.script)
def test_name_prints_in_a_font_with_its_letters(made: Made, name: ScriptName) -> None:
    _needs_system_font(name)
    used = {f for f in made.fonts if f.startswith(name.fonts)}
    assert used, f"{name.script}: none of {name.fonts} in {made.fonts}"
    assert scripts.missing(name.given + name.family + name.carer) == ""
    assert made.ids[name.script] not in {w.child_id for w in made.result.name_warnings}
    assert made.ids[name.script] in {c.child_id for c in made.result.children_included}
    if name.reads_back:
        assert f"{name.given} {name.family}" in made.text


def test_no_empty_boxes_anywhere(made: Made) -> None:
    """Every name has a font; only letters DejaVu Sans has are left to it."""
    for name in NAMES:
        if scripts.missing(name.given + name.family):
            continue  # a system font not installed here: the per-script test skips it
        for font, run in scripts.runs(scripts.display_order(name.given + " " + name.family)):
            if font is None:
                assert all(fonts.main_covers(c, bold=False) for c in run), (name.script, run)
            else:
                assert all(fonts.covers(font, c) for c in run), (name.script, run)


def test_each_run_in_its_script_font() -> None:
    markup = scripts.markup("Aarav (आरव शर्मा) & <Zoë>")
    dev = "EYNotoSansDevanagari-Regular"
    assert markup == f'Aarav (<font name="{dev}">आरव शर्मा</font>) &amp; &lt;Zoë&gt;'
    # a word in two fonts (reportlab would shape it whole with its first font) still shapes
    assert "<font" in scripts.markup("आरव’s")


def test_arabic_is_joined_and_right_to_left_in_an_english_line() -> None:
    shown = scripts.display_order("محمد’s session")
    # joined presentation forms, last letter first, and the English after the name
    assert shown == "ﺪﻤﺤﻣ’s session"
    assert scripts.display_order("Hello Zoë") == "Hello Zoë"


def test_hebrew_is_reordered_not_reshaped() -> None:
    assert scripts.display_order("דוד כהן") == "ןהכ דוד"


def test_bold_style_gets_bold_fallbacks() -> None:
    from reportlab.lib.styles import ParagraphStyle

    style = ParagraphStyle("t", fontName=fonts.BOLD)
    para = scripts.paragraph(scripts.markup("आरव"), style)
    assert {f.fontName for f in para.frags} == {"EYNotoSansDevanagari-Bold"}
    assert para.style.shaping  # Indic text is shaped


def test_a_letter_no_font_has_gives_a_warning_not_a_failure(
    prepared: Prepared, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "vault"
    shutil.copytree(prepared.folder, folder)
    vault = open_vault(folder, PASSPHRASE)
    try:
        services = Services(vault, today=lambda: TODAY)
        child_id = add_child(services, prepared.session_id, f"Ava{NO_GLYPH}", "Stone", "Jo Stone")
        out = tmp_path / "handouts.pdf"
        with caplog.at_level(logging.INFO):
            result = build_session_handouts(services, prepared.session_id, out)
    finally:
        vault.lock()
    assert out.exists()
    assert [w.child_id for w in result.name_warnings] == [child_id]
    assert result.name_warnings[0].characters == NO_GLYPH
    assert "Ava" not in caplog.text  # no names in logs
    assert "1 of" in caplog.text
    assert "Ava" not in repr(result.name_warnings)


def test_a_word_in_two_fonts_is_shaped_run_by_run(tmp_path: Path) -> None:
    """reportlab shapes a word with its first run's font: "(किरण)’s" came out as boxes."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import SimpleDocTemplate

    out = tmp_path / "word.pdf"
    style = ParagraphStyle("t", fontName=fonts.REGULAR)
    para = scripts.paragraph(scripts.markup("For (किरण)’s handout"), style)
    SimpleDocTemplate(str(out)).build([para])
    text = pdf_text(out)
    assert "For (" in text
    assert ")’s handout" in text
    assert "\ufffd" not in text
