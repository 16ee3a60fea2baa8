"""Builds the icons the app loads at run time from their sources in resources/icons.

    python scripts/build_icons.py            # copy the SVGs, render the app icon's PNGs
    python scripts/build_icons.py --check    # exit 1 if the package data is out of date

Every SVG under resources/icons is copied, at the same relative path, into the package data
(src/earlyyears_desktop/resources/icons); the app icon is also rendered to PNG at the sizes
desktops ask for (the taskbar, the menus, the .deb's hicolor theme). Rendering is Qt's own
(QSvgRenderer, offscreen), so the PNGs match what the app draws from the SVG.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse
import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "resources" / "icons"
TARGET = ROOT / "src" / "earlyyears_desktop" / "resources" / "icons"
APP_ICON = "earlyyears-desktop"
PNG_SIZES = (16, 32, 48, 128, 256)
#: how far a PNG's pixel may be from a fresh render before --check calls it stale: another
#: Qt version may anti-alias an edge a little differently; a changed drawing moves far more
PIXEL_TOLERANCE = 24


def render(svg: bytes, size: int) -> QImage:
    """The SVG drawn into a transparent size x size image."""
    if QGuiApplication.instance() is None:
        QGuiApplication(sys.argv[:1])  # QPainter wants one; it lives until the script ends
    renderer = QSvgRenderer(QByteArray(svg))
    if not renderer.isValid():
        raise ValueError("not an SVG Qt can draw")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(QColor(0, 0, 0, 0))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def expected() -> dict[Path, bytes]:
    """Every file the package data should hold (relative path -> its bytes)."""
    files: dict[Path, bytes] = {}
    for source in sorted(SOURCE.rglob("*.svg")):
        rel = source.relative_to(SOURCE)
        files[rel] = source.read_bytes()
    app_svg = files[Path(f"{APP_ICON}.svg")]
    for size in PNG_SIZES:
        files[Path(f"{APP_ICON}-{size}.png")] = png_bytes(render(app_svg, size))
    return files


def _same_picture(a: bytes, b: bytes) -> bool:
    if a == b:
        return True
    first, second = QImage.fromData(a), QImage.fromData(b)
    if first.isNull() or second.isNull() or first.size() != second.size():
        return False
    first = first.convertToFormat(QImage.Format.Format_ARGB32)
    second = second.convertToFormat(QImage.Format.Format_ARGB32)
    for y in range(first.height()):
        for x in range(first.width()):
            p, q = first.pixelColor(x, y), second.pixelColor(x, y)
            if (
                max(
                    abs(p.red() - q.red()),
                    abs(p.green() - q.green()),
                    abs(p.blue() - q.blue()),
                    abs(p.alpha() - q.alpha()),
                )
                > PIXEL_TOLERANCE
            ):
                return False
    return True


def problems() -> list[str]:
    """What differs between the sources and the package data (empty when up to date)."""
    found: list[str] = []
    wanted = expected()
    for rel, content in wanted.items():
        target = TARGET / rel
        if not target.is_file():
            found.append(f"missing: {rel}")
        elif rel.suffix == ".png":
            if not _same_picture(target.read_bytes(), content):
                found.append(f"out of date: {rel}")
        elif target.read_bytes() != content:
            found.append(f"out of date: {rel}")
    for target in sorted(TARGET.rglob("*")):
        if target.is_file() and target.relative_to(TARGET) not in wanted:
            found.append(f"no source: {target.relative_to(TARGET)}")
    return found


def build() -> list[Path]:
    """Writes the package data; removes built files whose source is gone."""
    wanted = expected()
    for rel, content in wanted.items():
        target = TARGET / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_file() or target.read_bytes() != content:
            target.write_bytes(content)
    for target in sorted(TARGET.rglob("*")):
        if target.is_file() and target.relative_to(TARGET) not in wanted:
            target.unlink()
    return sorted(wanted)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="only say whether the package data is up to date"
    )
    args = parser.parse_args(argv)
    if args.check:
        found = problems()
        for line in found:
            print(line)
        if found:
            print("Run scripts/build_icons.py to rebuild the icons.", file=sys.stderr)
        return 1 if found else 0
    for rel in build():
        print(TARGET.relative_to(ROOT) / rel)
    return 0


if __name__ == "__main__":
    sys.exit(main())
