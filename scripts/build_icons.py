"""Builds the icons the app loads at run time, and the installers' icons, from their sources in
resources/icons.

    python scripts/build_icons.py            # copy the SVGs, render the app icon
    python scripts/build_icons.py --check    # exit 1 if the package data is out of date

Every SVG under resources/icons is copied, at the same relative path, into the package data
(src/earlyyears_desktop/resources/icons). The app icon is also rendered to PNG at the sizes
desktops ask for (the window, the taskbar, the .deb's hicolor theme), and packed into a Windows
.ico and a macOS .icns (PNG entries) for the frozen builds. Rendering is Qt's own (QSvgRenderer,
offscreen), so the pictures match what the app draws from the SVG; the same Qt gives the same
bytes, and --check forgives another Qt's slightly different anti-aliasing.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse
import struct
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "resources" / "icons"
TARGET = ROOT / "src" / "earlyyears_desktop" / "resources" / "icons"
APP_ICON = "earlyyears-desktop"
PNG_SIZES = (16, 32, 48, 128, 256)
#: Windows: the Explorer's and the taskbar's sizes (PNG entries, read since Windows Vista)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
#: macOS: the .icns entry types holding a PNG, and its size in pixels
ICNS_TYPES = (
    (b"ic11", 32),
    (b"ic12", 64),
    (b"ic07", 128),
    (b"ic13", 256),
    (b"ic08", 256),
    (b"ic14", 512),
    (b"ic09", 512),
    (b"ic10", 1024),
)
#: how far a pixel may be from a fresh render before --check calls it stale: another Qt
#: version may anti-alias an edge a little differently; a changed drawing moves far more
PIXEL_TOLERANCE = 24


@cache
def render_png(svg: bytes, size: int) -> bytes:
    """The SVG drawn into a transparent size x size image, as PNG."""
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
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.convertToFormat(QImage.Format.Format_ARGB32).save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def pack_ico(pngs: list[tuple[int, bytes]]) -> bytes:
    """A Windows icon holding these PNGs (size, bytes)."""
    header = struct.pack("<HHH", 0, 1, len(pngs))
    offset = len(header) + 16 * len(pngs)
    entries, blobs = b"", b""
    for size, png in pngs:
        side = 0 if size >= 256 else size  # 0 stands for 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


def unpack_ico(data: bytes) -> list[bytes]:
    _, _, count = struct.unpack_from("<HHH", data)
    pictures = []
    for i in range(count):
        *_, length, offset = struct.unpack_from("<BBBBHHII", data, 6 + 16 * i)
        pictures.append(data[offset : offset + length])
    return pictures


def pack_icns(entries: list[tuple[bytes, bytes]]) -> bytes:
    """A macOS icon holding these PNGs (entry type, bytes)."""
    body = b"".join(kind + struct.pack(">I", 8 + len(png)) + png for kind, png in entries)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def unpack_icns(data: bytes) -> list[bytes]:
    pictures, at = [], 8
    while at < len(data):
        length = struct.unpack_from(">I", data, at + 4)[0]
        pictures.append(data[at + 8 : at + length])
        at += length
    return pictures


def expected() -> dict[Path, bytes]:
    """Every file the package data should hold (relative path -> its bytes)."""
    files: dict[Path, bytes] = {}
    for source in sorted(SOURCE.rglob("*.svg")):
        files[source.relative_to(SOURCE)] = source.read_bytes()
    svg = files[Path(f"{APP_ICON}.svg")]
    for size in PNG_SIZES:
        files[Path(f"{APP_ICON}-{size}.png")] = render_png(svg, size)
    files[Path(f"{APP_ICON}.ico")] = pack_ico([(s, render_png(svg, s)) for s in ICO_SIZES])
    files[Path(f"{APP_ICON}.icns")] = pack_icns([(k, render_png(svg, s)) for k, s in ICNS_TYPES])
    return files


#: the pictures inside each kind of built file, to compare one by one
PICTURES: dict[str, Callable[[bytes], list[bytes]]] = {
    ".png": lambda data: [data],
    ".ico": unpack_ico,
    ".icns": unpack_icns,
}


def _same_picture(a: bytes, b: bytes) -> bool:
    if a == b:
        return True
    first, second = QImage.fromData(a), QImage.fromData(b)
    if first.isNull() or second.isNull() or first.size() != second.size():
        return False
    one = first.convertToFormat(QImage.Format.Format_ARGB32).constBits().tobytes()
    other = second.convertToFormat(QImage.Format.Format_ARGB32).constBits().tobytes()
    return max(abs(x - y) for x, y in zip(one, other, strict=True)) <= PIXEL_TOLERANCE


def _same(rel: Path, built: bytes, wanted: bytes) -> bool:
    unpack = PICTURES.get(rel.suffix)
    if unpack is None or built == wanted:
        return built == wanted
    try:
        ours, theirs = unpack(built), unpack(wanted)
    except struct.error:
        return False
    return len(ours) == len(theirs) and all(map(_same_picture, ours, theirs))


def problems() -> list[str]:
    """What differs between the sources and the package data (empty when up to date)."""
    found: list[str] = []
    wanted = expected()
    for rel, content in wanted.items():
        target = TARGET / rel
        if not target.is_file():
            found.append(f"missing: {rel}")
        elif not _same(rel, target.read_bytes(), content):
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
    parser = argparse.ArgumentParser(description="Builds the icons from resources/icons.")
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
