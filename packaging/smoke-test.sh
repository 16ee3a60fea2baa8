#!/usr/bin/env bash
# The built .deb, run with nothing of this machine's Python:
#   packaging/smoke-test.sh [DEB]             unpack the .deb (default: this version's, in
#                                             dist/) into a temporary root and run it from
#                                             there (make package-smoke)
#   packaging/smoke-test.sh --installed ROOT  run the package apt installed in the system
#                                             root ROOT, through chroot (ROOT's /proc and
#                                             /dev mounted: packaging/linux/minimal-root-test.sh)
# 1. `earlyyears --version` and `earlyyears-central --version` print the version;
#    `earlyyears-central --help` works;
# 2. the frozen `earlyyears demo` makes a vault (the Alembic migrations and the starter
#    strategies: package data), `earlyyears check` passes it and `earlyyears handouts` makes a
#    session's handouts (reportlab with the bundled fonts);
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
shots=build/smoke
passphrase="smoke test passphrase $RANDOM$RANDOM"
started=$(date +%s)
fail() { echo "SMOKE TEST FAILED: $*" >&2; exit 1; }
say() { echo "smoke: $*"; }

if [ "${1:-}" = "--installed" ]; then
    root=$(cd "${2:?which root?}" && pwd)
    [ -x "$root/usr/bin/earlyyears" ] || fail "the package is not installed in $root"
    tmp=$(mktemp -d "$root/tmp/smoke.XXXXXX")
    chrooted=(chroot "$root")
    inside=$root  # a path in the root, as the programs in it see it: without this prefix
    mkdir -p "$root/tmp/.X11-unix"
    mount --bind /tmp/.X11-unix "$root/tmp/.X11-unix"
else
    deb=${1:-dist/earlyyears-desktop_${version}_$(dpkg --print-architecture).deb}
    [ -f "$deb" ] || fail "no package at $deb: run make package first"
    tmp=$(mktemp -d)
    root=$tmp/root
    mkdir -p "$root"
    dpkg-deb -x "$deb" "$root"
    chrooted=()
    inside=""
fi
xvfb=""
gui=""
cleanup() {
    if [ -n "$gui" ]; then kill "$gui" 2>/dev/null || true; wait "$gui" 2>/dev/null || true; fi
    if [ -n "$xvfb" ]; then kill "$xvfb" 2>/dev/null || true; wait "$xvfb" 2>/dev/null || true; fi
    if [ ${#chrooted[@]} -gt 0 ]; then umount "$root/tmp/.X11-unix" || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT

home=$tmp/home
mkdir -p "$home" "$shots"
installed() { cd "$root" && find opt/earlyyears-desktop usr/share -printf '%p %s %T@\n' | sort | md5sum; }
before=$(installed)
run() {  # run PROGRAM ARGS: a program of the package, with nothing of this machine's Python
    local program=$1 vars=(PATH=/usr/bin:/bin "HOME=${home#"$inside"}" LANG=C.UTF-8)
    shift
    [ -n "${DISPLAY_FOR_APP:-}" ] && vars+=("DISPLAY=$DISPLAY_FOR_APP")
    [ -n "${PASSPHRASE_FOR_APP:-}" ] && vars+=("EARLYYEARS_PASSPHRASE=$PASSPHRASE_FOR_APP")
    if [ ${#chrooted[@]} -gt 0 ]; then
        "${chrooted[@]}" env -i "${vars[@]}" "/usr/bin/$program" "$@"
    else
        env -i "${vars[@]}" "$root/usr/bin/$program" "$@"
    fi
}
vault=${tmp#"$inside"}/vault
handouts=${tmp#"$inside"}/handouts.pdf

got=$(run earlyyears --version)
[ "$got" = "earlyyears $version" ] || fail "earlyyears --version said '$got'"
got=$(run earlyyears-central --version)
[ "$got" = "earlyyears-central $version" ] || fail "earlyyears-central --version said '$got'"
run earlyyears-central --help | grep -q "ingest" ||
    fail "earlyyears-central --help does not list its commands"
say "--version and --help: $version"

export PASSPHRASE_FOR_APP=$passphrase
run earlyyears demo "$vault" >/dev/null || fail "earlyyears demo"
run earlyyears check "$vault" 2>/dev/null | grep -q "The vault passed every check" ||
    fail "earlyyears check"
session=$(run earlyyears sessions "$vault" | awk 'NR == 1 { print $1 }')
run earlyyears handouts --session "$session" --out "$handouts" "$vault" >/dev/null ||
    fail "earlyyears handouts"
[ "$(head -c 5 "$inside$handouts")" = "%PDF-" ] || fail "earlyyears handouts wrote no PDF"
unset PASSPHRASE_FOR_APP
say "demo vault made and checked, handouts made (the bundled fonts) by the frozen earlyyears"

exec {displayfd}<> <(:)
Xvfb -displayfd "$displayfd" -screen 0 1366x768x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
xvfb=$!
display=""
for _ in $(seq 1 600); do  # up to a minute on a busy machine
    read -r -t 0.1 -u "$displayfd" display && break
    kill -0 "$xvfb" 2>/dev/null || fail "Xvfb did not start: $(cat "$tmp/xvfb.log")"
done
[ -n "$display" ] || fail "Xvfb gave no display number"
export DISPLAY=":$display"
DISPLAY_FOR_APP=$DISPLAY run earlyyears-desktop --vault "$vault" >"$tmp/gui.log" 2>&1 &
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

[ "$before" = "$(installed)" ] || fail "the app wrote inside its installed folder"
say "the installed tree is unchanged; the home folder holds: $(cd "$home" && find . -type f | sort | tr '\n' ' ')"
say "passed in $(($(date +%s) - started)) s"
