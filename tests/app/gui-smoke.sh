#!/usr/bin/env bash
# The real `ecgscope` binary as a user starts it: --help and --version print and exit without a display;
# on a real X server (Xvfb, SIZE) the window fits the screen and Ctrl+O opens the file dialog (inside the
# screen too) that Escape closes, all through real X input events (xdotool).
# usage: gui-smoke.sh ECGSCOPE SAMPLE SIZE
set -euo pipefail
app=$1 sample=$2 size=$3
fail() { echo "FAIL: $*" >&2; exit 1; }

out=$(env -u DISPLAY -u WAYLAND_DISPLAY QT_QPA_PLATFORM= "$app" --help) || fail "--help without a display exited $?"
grep -q -- "--database" <<<"$out" || fail "--help does not list the options: $out"
ver=$(env -u DISPLAY -u WAYLAND_DISPLAY QT_QPA_PLATFORM= "$app" --version) || fail "--version without a display exited $?"
grep -Eq "^EcgScope [0-9]+\.[0-9]+" <<<"$ver" || fail "--version printed: $ver"

work=$(mktemp -d)
trap 'kill "${app_pid:-}" "${x_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
export HOME=$work XDG_RUNTIME_DIR=$work QT_QPA_PLATFORM=xcb
for n in $(seq 90 140); do [ -e /tmp/.X11-unix/X$n ] || [ -e /tmp/.X$n-lock ] || break; done
export DISPLAY=:$n
Xvfb "$DISPLAY" -screen 0 "${size}x24" -nolisten tcp >"$work/xvfb.log" 2>&1 &
x_pid=$!
for _ in $(seq 50); do xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.1; done
"$app" "$sample" >"$work/app.log" 2>&1 &
app_pid=$!
window=""
for _ in $(seq 100); do
  window=$(xdotool search --onlyvisible --name "^EcgScope - " 2>/dev/null | head -1) && [ -n "$window" ] && break
  sleep 0.2
done
[ -n "$window" ] || fail "no EcgScope window appeared: $(cat "$work/app.log")"
eval "$(xdotool getwindowgeometry --shell "$window")"
read -r sw sh < <(xdotool getdisplaygeometry)
echo "window ${WIDTH}x${HEIGHT} at $X,$Y on a ${sw}x${sh} screen"
[ "$X" -ge 0 ] && [ "$Y" -ge 0 ] && [ $((X + WIDTH)) -le "$sw" ] && [ $((Y + HEIGHT)) -le "$sh" ] || fail "the window does not fit the screen"

# The file dialog by keyboard (Ctrl+O), closed again with Escape. (Typing a path into it through xdotool
# loses the key typed as the file-name completer's popup opens, so paths are typed by the in-process
# suite, tst_gui, with QTest key events instead.)
xdotool windowfocus --sync "$window"
xdotool key --window "$window" ctrl+o
dialog=""
for _ in $(seq 100); do
  dialog=$(xdotool search --onlyvisible --name "^Open ECG$" 2>/dev/null | head -1) && [ -n "$dialog" ] && break
  sleep 0.2
done
[ -n "$dialog" ] || fail "Ctrl+O opened no file dialog"
eval "$(xdotool getwindowgeometry --shell "$dialog")"
[ "$X" -ge 0 ] && [ "$Y" -ge 0 ] && [ $((X + WIDTH)) -le "$sw" ] && [ $((Y + HEIGHT)) -le "$sh" ] || fail "the file dialog does not fit the screen"
xdotool windowfocus --sync "$dialog"
xdotool key Escape
for _ in $(seq 50); do
  xdotool search --onlyvisible --name "^Open ECG$" >/dev/null 2>&1 || break
  sleep 0.2
done
! xdotool search --onlyvisible --name "^Open ECG$" >/dev/null 2>&1 || fail "Escape did not close the file dialog"
[[ $(xdotool getwindowname "$window") == "EcgScope - sample.hea" ]] || fail "the shown record changed"
echo "file dialog opened by Ctrl+O (${WIDTH}x${HEIGHT}) and closed by Escape"
