#!/usr/bin/env bash
# Installs what is missing, builds the release preset and opens the bundled sample ECG (or the files given).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release
cmake --build --preset release
exec ./build/release/bin/ecgscope "$@"
