#!/usr/bin/env bash
# The Debian packages the frozen app needs from the system, as a Depends line:
#   system-depends.sh FROZEN_DIR      (the folder PyInstaller made, dist/earlyyears-desktop)
# Every program and shared library in the folder is run through ldd as the frozen app loads
# it (its own _internal folder first); each library it links to directly (its NEEDED entries)
# that is found outside the folder is mapped to the package that holds it (dpkg -S); those
# packages bring their own dependencies. A library found nowhere fails the build. The GTK 3
# theme plugin is left out: Qt loads it only on a GTK desktop, which has GTK, and skips it
# elsewhere. Then the files read by path rather than linked: fontconfig
# (fc-list, which the handouts use to find a font for Chinese, Japanese and Korean names, and
# the fonts.conf every Qt app reads) and one font for the screens.
set -euo pipefail
frozen=$(cd "$1" && pwd)
internal=$frozen/_internal
optional='/platformthemes/libqgtk3\.so$'

libraries=$(mktemp)
trap 'rm -f "$libraries"' EXIT
find "$frozen" -type f \( -name '*.so' -o -name '*.so.*' -o -perm -u+x \) -print0 |
while IFS= read -r -d '' file; do
    [ "$(head -c 4 "$file" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
    [[ $file =~ $optional ]] && continue
    needed=" $(objdump -p "$file" | awk '$1 == "NEEDED" { print $2 }' | tr '\n' ' ')"
    LD_LIBRARY_PATH=$internal ldd "$file" 2>/dev/null | while read -r name arrow path _; do
        [ "$arrow" = "=>" ] && [[ $needed == *" $name "* ]] || continue
        if [ "$path" = "not" ]; then
            echo "missing: $name, needed by ${file#"$frozen"/}" >&2
            echo MISSING
        elif [[ $path != "$frozen"/* ]]; then
            echo "$path"
        fi
    done
done | sort -u > "$libraries"
if grep -q '^MISSING$' "$libraries"; then
    echo "Some libraries the frozen app needs are not installed here (above): install them" \
        "and build again (scripts/install-system-packages.sh package)." >&2
    exit 1
fi

packages=()
while IFS= read -r path; do
    # Debian 12 registers libraries under /lib and /usr/lib alike (merged /usr): try both.
    owner=$(dpkg -S "$path" 2>/dev/null || dpkg -S "$(realpath "$path")" 2>/dev/null ||
            dpkg -S "${path#/usr}" 2>/dev/null || dpkg -S "/usr$path" 2>/dev/null || true)
    if [ -z "$owner" ]; then
        echo "No Debian package holds $path, which the frozen app needs." >&2
        exit 1
    fi
    packages+=("${owner%%:*}")
done < "$libraries"

glibc=$(dpkg-query -W -f='${Version}' libc6 | sed -E 's/^([0-9]+\.[0-9]+).*/\1/')
printf '%s\n' "${packages[@]}" fontconfig fonts-dejavu-core | grep -v '^libc6$' | sort -u |
    { echo "libc6 (>= $glibc)"; cat; } | paste -sd, | sed 's/,/, /g'
