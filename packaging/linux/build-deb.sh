#!/usr/bin/env bash
# The .deb of the frozen app: dist/earlyyears-desktop_<version>_<arch>.deb from the folder
# PyInstaller made (dist/earlyyears-desktop). `make package` runs it after PyInstaller.
#   /opt/earlyyears-desktop/                  the frozen app (its three programs, _internal/)
#   /usr/bin/earlyyears-desktop, earlyyears, earlyyears-central    links to them
#   /usr/share/applications/APP_ID.desktop    the menu entry
#   /usr/share/icons/hicolor/*/apps/APP_ID.*  the icon (16 to 256 px, and the SVG)
#   /usr/share/metainfo/APP_ID.metainfo.xml   the AppStream entry (software centres)
# No maintainer scripts: Debian's triggers refresh the menu and the icon cache. Nothing of a
# user's is installed or removed by the package: vaults live in each user's home folder.
set -euo pipefail
cd "$(dirname "$0")/../.."
linux=packaging/linux
version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' src/earlyyears_desktop/__init__.py)
app_id=$(sed -n 's/^APP_ID = "\(.*\)"$/\1/p' src/earlyyears_desktop/__init__.py)
arch=$(dpkg --print-architecture)
frozen=dist/earlyyears-desktop
icons=src/earlyyears_desktop/resources/icons
maintainer=${DEB_MAINTAINER:-Early Years maintainers <maintainers@earlyyears.invalid>}
deb=dist/earlyyears-desktop_${version}_${arch}.deb

if [ ! -x "$frozen/earlyyears-desktop" ]; then
    echo "No frozen app in $frozen: run PyInstaller first (make package)." >&2
    exit 1
fi
for file in "$icons/earlyyears-desktop.svg" "$icons"/earlyyears-desktop-{16,32,48,128,256}.png; do
    if [ ! -f "$file" ]; then
        echo "The app icon is missing: $file (drawn in resources/icons/, made into the" \
            "package data by scripts/build_icons.py)." >&2
        exit 1
    fi
done

root=build/deb/root
rm -rf build/deb
mkdir -p "$root/DEBIAN" "$root/opt" "$root/usr/bin" "$root/usr/share/applications" \
    "$root/usr/share/metainfo" "$root/usr/share/doc/earlyyears-desktop"
cp -a "$frozen" "$root/opt/earlyyears-desktop"
for program in earlyyears-desktop earlyyears earlyyears-central; do
    # Relative, so the same tree runs where it is unpacked (packaging/smoke-test.sh); the
    # frozen program finds its _internal folder through the link.
    ln -s "../../opt/earlyyears-desktop/$program" "$root/usr/bin/$program"
done
install -m 0644 "$linux/$app_id.desktop" "$root/usr/share/applications/$app_id.desktop"
install -m 0644 "$linux/$app_id.metainfo.xml" "$root/usr/share/metainfo/$app_id.metainfo.xml"
for size in 16 32 48 128 256; do
    install -D -m 0644 "$icons/earlyyears-desktop-$size.png" \
        "$root/usr/share/icons/hicolor/${size}x${size}/apps/$app_id.png"
done
install -D -m 0644 "$icons/earlyyears-desktop.svg" \
    "$root/usr/share/icons/hicolor/scalable/apps/$app_id.svg"
install -m 0644 "$linux/copyright" "$root/usr/share/doc/earlyyears-desktop/copyright"
# Whatever the umask of the build: folders and programs 0755, other files 0644.
chmod -R u+rwX,go+rX,go-w "$root"

depends=$(bash "$linux/system-depends.sh" "$root/opt/earlyyears-desktop")
cat > "$root/DEBIAN/control" <<CONTROL
Package: earlyyears-desktop
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Depends: $depends
Recommends: fonts-noto-core, fonts-droid-fallback | fonts-wqy-zenhei
Suggests: cups
Section: misc
Priority: optional
Description: offline records for early years SEND support
 Early Years keeps the records of the people who support children under
 five with special educational needs and disabilities and their families:
 group registers, observations, home visits, support plans, referrals and
 multi-agency meetings, in an encrypted vault on the laptop (SQLCipher).
 Records are synchronised with the local authority's central service in
 signed, encrypted bundle files.
 .
 The package holds the desktop app (earlyyears-desktop), its command line
 (earlyyears) and the reference central service (earlyyears-central), frozen
 with their own Python and Qt under /opt/earlyyears-desktop.
CONTROL
chmod 0644 "$root/DEBIAN/control"

desktop-file-validate "$root/usr/share/applications/$app_id.desktop"
appstreamcli validate --no-net "$root/usr/share/metainfo/$app_id.metainfo.xml"
# The metainfo, the desktop entry and the icons together, as a software centre reads them.
appstreamcli validate-tree --no-net "$root"

# zstd: seconds where xz takes minutes (103 MB against 85 MB). Every system that can install
# the package reads it (it needs glibc 2.36: Debian 12, Ubuntu 22.10 and later).
dpkg-deb --root-owner-group -Zzstd -z9 --build "$root" "$deb"
echo "Built $deb ($(du -h "$deb" | cut -f1))"
