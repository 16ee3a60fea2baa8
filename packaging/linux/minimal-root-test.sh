#!/usr/bin/env bash
# The .deb on a fresh system: a minimal Debian root (debootstrap --variant=minbase: no Python,
# no X, no fonts), the .deb installed into it by apt with its Depends and nothing recommended,
# then every library the frozen programs load found, and packaging/smoke-test.sh run inside it
# through chroot. Needs root and Debian's package mirror; about five minutes the first time
# (the root is kept in build/minimal-root and made again by `make clean`).
#   packaging/linux/minimal-root-test.sh [DEB]          (make package-minimal-root)
set -euo pipefail
cd "$(dirname "$0")/../.."
version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' src/earlyyears_desktop/__init__.py)
deb=${1:-dist/earlyyears-desktop_${version}_$(dpkg --print-architecture).deb}
root=build/minimal-root
. /etc/os-release
[ -f "$deb" ] || { echo "No package at $deb: run make package first." >&2; exit 1; }
command -v debootstrap >/dev/null || apt-get install -y -qq --no-install-recommends debootstrap

if [ ! -x "$root/usr/bin/apt-get" ]; then
    rm -rf "$root"
    debootstrap --variant=minbase "$VERSION_CODENAME" "$root" http://deb.debian.org/debian >/dev/null
    echo "deb http://deb.debian.org/debian-security $VERSION_CODENAME-security main" \
        >> "$root/etc/apt/sources.list"
fi
root=$(cd "$root" && pwd)
# /proc for the frozen programs (they find their folder through /proc/self/exe); not the host's
# /dev: debootstrap made the few device files needed, and a bind mount left behind by a killed
# run would put the host's /dev under `make clean`'s rm.
mount -t proc proc "$root/proc"
trap 'umount "$root/proc"' EXIT
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp "$deb" "$root/tmp/earlyyears-desktop.deb"
chroot "$root" sh -c 'command -v python3 && echo "python3 in the minimal root" >&2 && exit 1 || true'
export DEBIAN_FRONTEND=noninteractive
chroot "$root" apt-get update -qq
chroot "$root" apt-get install -y -qq --no-install-recommends /tmp/earlyyears-desktop.deb >/dev/null
rm "$root/tmp/earlyyears-desktop.deb"

# Every library found, but those of Qt's GTK theme plugin (used only on a GTK desktop).
missing=$(chroot "$root" sh -c 'cd /opt/earlyyears-desktop && find . -type f \
    \( -name "*.so*" -o -perm -u+x \) ! -path "*/platformthemes/libqgtk3.so" | while read -r f; do
    LD_LIBRARY_PATH=/opt/earlyyears-desktop/_internal ldd "$f" 2>/dev/null |
    sed -n "s|^\s*\(.*\) => not found|$f: \1|p"; done')
if [ -n "$missing" ]; then
    echo "Libraries missing on a minimal system with the package's dependencies:" >&2
    echo "$missing" >&2
    exit 1
fi
echo "minimal root: the package and its dependencies installed; every library found"
bash packaging/smoke-test.sh --installed "$root"
