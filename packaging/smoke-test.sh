#!/usr/bin/env bash
# The built .deb, unpacked into a temporary root, run with nothing of this machine's Python:
#   packaging/smoke-test.sh [dist/earlyyears-desktop_<version>_<arch>.deb]   (make package-smoke)
# 1. `earlyyears --version` and `earlyyears-central --version` print the version;
#    `earlyyears-central --help` works;
# 2. the frozen `earlyyears demo` makes a vault (the Alembic migrations, the fonts, the starter
#    strategies: package data) and `earlyyears check` passes it;
# 3. the frozen GUI opened on that vault under Xvfb shows its unlock window (found by its name
#    with xdotool: a bare X server draws no title bar), takes the passphrase typed and opens
#    the Today page; screenshots in build/smoke/;
# 4. nothing was written inside the installed tree, and nothing in the home folder but the
#    app's settings.
# Every program runs under `env -i` with PATH=/usr/bin:/bin: the venv cannot stand in for a
# module the bundle lacks.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' src/earlyyears_desktop/__init__.py)
deb=${1:-dist/earlyyears-desktop_${version}_$(dpkg --print-architecture).deb}
shots=build/smoke
passphrase="smoke test passphrase $RANDOM$RANDOM"
started=$(date +%s)
[ -f "$deb" ] || { echo "No package at $deb: run make package first." >&2; exit 1; }

tmp=$(mktemp -d)
xvfb=""
gui=""
cleanup() {
    [ -n "$gui" ] && kill "$gui" 2>/dev/null && wait "$gui" 2>/dev/null
    [ -n "$xvfb" ] && kill "$xvfb" 2>/dev/null && wait "$xvfb" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "SMOKE TEST FAILED: $*" >&2; exit 1; }
say() { echo "smoke: $*"; }

root=$tmp/root
home=$tmp/home
mkdir -p "$root" "$home" "$shots"
dpkg-deb -x "$deb" "$root"
before=$(cd "$root" && find . -printf '%p %s %T@\n' | sort | md5sum)
run() {  # a program of the package, in an environment with nothing of this machine's Python
    local vars=(PATH=/usr/bin:/bin "HOME=$home" LANG=C.UTF-8)
    [ -n "${DISPLAY_FOR_APP:-}" ] && vars+=("DISPLAY=$DISPLAY_FOR_APP")
    [ -n "${PASSPHRASE_FOR_APP:-}" ] && vars+=("EARLYYEARS_PASSPHRASE=$PASSPHRASE_FOR_APP")
    env -i "${vars[@]}" "$@"
}

got=$(run "$root/usr/bin/earlyyears" --version)
[ "$got" = "earlyyears $version" ] || fail "earlyyears --version said '$got'"
got=$(run "$root/usr/bin/earlyyears-central" --version)
[ "$got" = "earlyyears-central $version" ] || fail "earlyyears-central --version said '$got'"
run "$root/usr/bin/earlyyears-central" --help | grep -q "ingest" ||
    fail "earlyyears-central --help does not list its commands"
say "--version and --help: $version"

PASSPHRASE_FOR_APP=$passphrase run "$root/usr/bin/earlyyears" demo "$tmp/vault" >/dev/null ||
    fail "earlyyears demo"
PASSPHRASE_FOR_APP=$passphrase run "$root/usr/bin/earlyyears" check "$tmp/vault" 2>/dev/null |
    grep -q "The vault passed every check" || fail "earlyyears check"
say "demo vault made and checked by the frozen earlyyears"

exec {displayfd}<> <(:)
Xvfb -displayfd "$displayfd" -screen 0 1366x768x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
xvfb=$!
display=""
for _ in $(seq 1 100); do
    read -r -t 0.1 -u "$displayfd" display && break
    kill -0 "$xvfb" 2>/dev/null || fail "Xvfb did not start: $(cat "$tmp/xvfb.log")"
done
[ -n "$display" ] || fail "Xvfb gave no display number"
export DISPLAY=":$display"
DISPLAY_FOR_APP=$DISPLAY run "$root/usr/bin/earlyyears-desktop" --vault "$tmp/vault" \
    >"$tmp/gui.log" 2>&1 &
gui=$!

wait_for_window() {  # wait_for_window NAME_PATTERN SECONDS: the window's id
    local deadline=$(($(date +%s) + $2)) window
    while [ "$(date +%s)" -lt "$deadline" ]; do
        window=$(xdotool search --name "$1" 2>/dev/null | head -n 1 || true)
        [ -n "$window" ] && { echo "$window"; return 0; }
        kill -0 "$gui" 2>/dev/null || fail "the app stopped: $(cat "$tmp/gui.log")"
        sleep 0.5
    done
    fail "no window named '$1' after $2 s: $(cat "$tmp/gui.log")"
}
window=$(wait_for_window '^Early Years: locked$' 90)
sleep 1  # let it paint
import -window root "$shots/unlock.png"
# The desktop entry's StartupWMClass names the window's class, so the taskbar shows its icon.
wm_class=$(xprop -id "$window" WM_CLASS | sed -E 's/^[^"]*"([^"]*)".*/\1/')
grep -qx "StartupWMClass=$wm_class" "$root"/usr/share/applications/*.desktop ||
    fail "the window's class '$wm_class' is not the desktop entry's StartupWMClass"
say "unlock window shown (class $wm_class); screenshot $shots/unlock.png"

xdotool windowfocus --sync "$window"
xdotool type --delay 20 "$passphrase"
xdotool key Return
wait_for_window '^Early Years: Today$' 120 >/dev/null
sleep 2
import -window root "$shots/today.png"
say "unlocked: the Today page shown; screenshot $shots/today.png"
kill "$gui"
wait "$gui" 2>/dev/null || true
gui=""

after=$(cd "$root" && find . -printf '%p %s %T@\n' | sort | md5sum)
[ "$before" = "$after" ] || fail "the app wrote inside its installed folder"
say "the installed tree is unchanged; the home folder holds: $(cd "$home" && find . -type f | sort | tr '\n' ' ')"
say "passed in $(($(date +%s) - started)) s"
