#!/usr/bin/env bash
# Debian packages the app, its tests and its tools need. Run as root (CI) or through sudo.
#   install-system-packages.sh        what the app needs to run
#   install-system-packages.sh test   that, and what the tests and tools need
#   install-system-packages.sh package  that, and what `make package` needs to build and
#                                      check the .deb (packaging/); `test package` for both
#   - Qt's runtime libraries (offscreen and X11), fonts with wide Unicode coverage
#     (Droid Sans Fallback and WenQuanYi Zen Hei: Chinese, Japanese and Korean names in handouts)
#   - python3-venv for the project's virtual environment
#   - PostgreSQL, which the central service's tests start themselves
#   - openssl (the bundle signature check), poppler-utils (PDF to pictures),
#     xvfb, xdotool and imagemagick (screenshots of the real windows)
#   - faketime, to run the tests on another date (they must pass whatever the date)
#   - for the package: binutils (objdump: which system libraries the frozen app
#     links to), desktop-file-utils and appstream (the validators), the Wayland client
#     libraries Qt's Wayland plugin and CUPS, which Qt's print plugin links to (so the build
#     finds them and names them as dependencies),
#     and Xvfb, xdotool, x11-utils and imagemagick for the smoke test
set -euo pipefail
packages=(
    python3-venv python3-dev build-essential
    libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libfreetype6 libdbus-1-3
    libglib2.0-0 libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
    libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 libxcb-randr0 libxcb-xkb1 libnss3
    fonts-dejavu-core fonts-noto-core fonts-droid-fallback fonts-wqy-zenhei fontconfig
)
for mode in "$@"; do
    case $mode in
        test) packages+=(postgresql openssl poppler-utils xvfb xdotool imagemagick faketime) ;;
        package) packages+=(binutils desktop-file-utils appstream libcups2
            libwayland-client0 libwayland-cursor0 libwayland-egl1 xvfb xdotool x11-utils
            imagemagick) ;;
        *) echo "usage: $0 [test] [package]" >&2; exit 2 ;;
    esac
done
if [ "$(id -u)" -eq 0 ]; then
    run=()
elif command -v sudo >/dev/null 2>&1; then
    run=(sudo)
else
    echo "Please install as root: apt-get install ${packages[*]}" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${run[@]}" apt-get update -qq
"${run[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
