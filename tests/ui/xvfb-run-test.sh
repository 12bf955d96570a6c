#!/usr/bin/env bash
# Runs a GUI test on a real X server: a fresh Xvfb screen of SIZE (WxH, 24-bit), the xcb platform,
# ECGSCOPE_TEST_SCREEN=SIZE for the test to check it got that screen.
# usage: xvfb-run-test.sh SIZE COMMAND [ARGS...]
set -euo pipefail
size=$1
shift
export QT_QPA_PLATFORM=xcb ECGSCOPE_TEST_SCREEN="$size"
exec xvfb-run --auto-servernum --server-args="-screen 0 ${size}x24 -nolisten tcp" "$@"
