#!/usr/bin/env bash
# The real `ecgscope` binary as a user starts it: --help and --version print and exit without a display;
# on a real X server (Xvfb, SIZE) the window fits the screen and a file opens with the keyboard alone
# (Ctrl+O, the path typed, Return), all through real X input events (xdotool).
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

# Another file, by keyboard: Ctrl+O, the path, Return.
other="$work/copy.hea"
sed "s/^sample /copy /" "$sample" >"$other"
cp "$(dirname "$sample")/sample.dat" "$work/"
xdotool windowfocus --sync "$window"
xdotool key --window "$window" ctrl+o
# The file dialog may take a while on a loaded machine: type only once it is there and has the focus.
dialog=""
for _ in $(seq 100); do
  dialog=$(xdotool search --onlyvisible --name "^Open ECG$" 2>/dev/null | head -1) && [ -n "$dialog" ] && break
  sleep 0.2
done
[ -n "$dialog" ] || fail "Ctrl+O opened no file dialog"
xdotool windowfocus --sync "$dialog"
sleep 0.5
# Slowly: keys typed as the file-name completer's popup opens are lost (seen with 20-120 ms between keys).
xdotool type --delay 400 "$other"
xdotool key Return
for _ in $(seq 100); do
  title=$(xdotool getwindowname "$window")
  [[ $title == *copy.hea* ]] && break
  sleep 0.2
done
[[ $title == *copy.hea* ]] || fail "the typed file did not open (title: $title)"
echo "opened by keyboard: $title"
