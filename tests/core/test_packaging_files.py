"""The packaging files agree with each other and with the app, without building anything.

`make package` (packaging/) freezes the app with PyInstaller and builds the .deb; that takes
minutes, so here only the names are checked: the desktop entry runs a program the .deb puts on
PATH and shows the icon it installs, the AppStream entry names that desktop entry and the
app's version, the app tells the desktop its entry's name, and the spec bundles every kind of
package data the wheel has. Where the validators are installed (`make package` installs them),
both files pass them.
"""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from earlyyears_desktop import APP_ID, __version__

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"
DESKTOP_FILE = PACKAGING / "linux" / f"{APP_ID}.desktop"
METAINFO = PACKAGING / "linux" / f"{APP_ID}.metainfo.xml"
BUILD_DEB = PACKAGING / "linux" / "build-deb.sh"
SPEC = PACKAGING / "earlyyears-desktop.spec"
PACKAGE = ROOT / "src" / "earlyyears_desktop"


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DESKTOP_FILE, encoding="utf-8")
    return parser["Desktop Entry"]


def programs_on_path() -> list[str]:
    """The programs build-deb.sh links into /usr/bin."""
    found = re.search(r"^for program in ([\w\- ]+); do$", BUILD_DEB.read_text(), re.MULTILINE)
    assert found is not None, "build-deb.sh no longer says which programs go into /usr/bin"
    return found[1].split()


def project_programs() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return set(project["scripts"]) | set(project["gui-scripts"])


def spec_programs() -> dict[str, str]:
    """The spec's PROGRAMS: each frozen program and its entry script."""
    spec = SPEC.read_text(encoding="utf-8")
    gui = re.search(r'^GUI = "([\w\-]+)"$', spec, re.MULTILINE)
    programs = re.search(r"^PROGRAMS = \{(.*)\}$", spec, re.MULTILINE)
    assert gui is not None and programs is not None, "the spec no longer lists its programs"
    return dict(re.findall(r'"([\w\-]+)": "(\w+)"', programs[1].replace("GUI", f'"{gui[1]}"')))


def test_the_package_installs_every_program_of_the_project() -> None:
    assert f'\nAPP_ID = "{APP_ID}"\n' in SPEC.read_text(encoding="utf-8")  # the macOS bundle id
    assert set(spec_programs()) == project_programs()
    assert set(programs_on_path()) == project_programs()
    for script in spec_programs().values():
        assert (PACKAGING / "pyinstaller" / f"{script}.py").is_file()


def test_the_desktop_entry_runs_the_gui_and_shows_the_installed_icon() -> None:
    entry = desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Exec"].split()[0] == "earlyyears-desktop"
    assert entry["Exec"].split()[0] in programs_on_path()
    # The window's WM_CLASS is named after the program (packaging/smoke-test.sh reads it).
    assert entry["StartupWMClass"] == "earlyyears-desktop"
    assert entry["Icon"] == APP_ID
    script = BUILD_DEB.read_text()
    assert 'apps/$app_id.png"' in script
    assert 'apps/$app_id.svg"' in script
    assert 'usr/share/applications/$app_id.desktop"' in script
    for size in (16, 32, 48, 128, 256):
        assert (PACKAGE / "resources" / "icons" / f"earlyyears-desktop-{size}.png").is_file()
    assert (PACKAGE / "resources" / "icons" / "earlyyears-desktop.svg").is_file()


def test_the_appstream_entry_names_the_desktop_entry_and_this_version() -> None:
    component = ET.parse(METAINFO).getroot()
    assert component.get("type") == "desktop-application"
    assert component.findtext("id") == APP_ID
    assert component.findtext("launchable") == f"{APP_ID}.desktop"
    assert component.findtext("icon") == APP_ID
    assert component.findtext("name") == desktop_entry()["Name"]
    releases = component.findall("releases/release")
    assert releases, "the metainfo lists no release"
    assert releases[0].get("version") == __version__  # the newest release comes first
    binaries = {b.text for b in component.findall("provides/binary")}
    assert binaries == project_programs()


def test_the_app_tells_the_desktop_its_entry() -> None:
    # On Wayland the compositor matches a window to its .desktop file (and icon) by this name.
    source = (PACKAGE / "ui" / "app.py").read_text(encoding="utf-8")
    assert "setDesktopFileName(APP_ID)" in source


def test_the_frozen_app_bundles_every_kind_of_package_data() -> None:
    """The spec's own patterns find every file the wheel's package-data patterns find (the
    fonts, starter strategies, icons and the Alembic revisions the frozen app reads)."""
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]
    wheel_patterns = setuptools["setuptools"]["package-data"]["earlyyears_desktop"]
    spec_patterns = re.search(r"for pattern in \(([^)]*)\):", SPEC.read_text())
    assert spec_patterns is not None

    def files(patterns: list[str]) -> set[Path]:
        return {
            path
            for pattern in patterns
            for path in PACKAGE.glob(pattern)
            if path.is_file() and "__pycache__" not in path.parts
        }

    wheel = files(wheel_patterns)
    assert wheel, "the wheel's package data matched no file"
    assert wheel <= files(re.findall(r'"([^"]+)"', spec_patterns[1]))


@pytest.mark.parametrize(
    ("tool", "arguments", "path"),
    [
        ("desktop-file-validate", [], DESKTOP_FILE),
        ("appstreamcli", ["validate", "--no-net"], METAINFO),
    ],
    ids=["desktop-file-validate", "appstreamcli"],
)
def test_the_files_pass_their_validator(tool: str, arguments: list[str], path: Path) -> None:
    program = shutil.which(tool)
    if program is None:
        pytest.skip(f"{tool} is not installed (make package installs it)")
    done = subprocess.run(
        [program, *arguments, str(path)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "error" not in done.stdout.lower() + done.stderr.lower()
