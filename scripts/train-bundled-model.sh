#!/usr/bin/env bash
# Rebuilds the bundled classifier in models/default from scratch: a synthetic corpus from the project's
# generator, then training, then the evaluation on ../shared/data/cinc-sample when present.
# Usage: scripts/train-bundled-model.sh [WORKDIR]   (default build/bundled-model; about 15 min on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-build/bundled-model}"
cli=./build/release/bin/ecgscope-cli
[ -x "$cli" ] || { cmake --preset release >/dev/null && cmake --build --preset release; }
mkdir -p "$work"
[ -f "$work/corpus/manifest.csv" ] || "$cli" dataset synth --per-class 800 --other-factor 3 --seed 2 -o "$work/corpus"
"$cli" train --manifest "$work/corpus/manifest.csv" --arch resnet --strategy focal --epochs 20 --patience 6 --seed 1 \
  --threads 2 --no-features -o "$work/model"
if [ -d ../shared/data/cinc-sample ]; then
  "$cli" evaluate --model "$work/model" --folder ../shared/data/cinc-sample --keep-rarer --json "$work/model/cinc-sample.json"
fi
mkdir -p models/default
cp "$work"/model/{model.pt,model.json,metrics.json,metrics.csv,confusion.csv,history.csv} models/default/
[ -f "$work/model/cinc-sample.json" ] && cp "$work/model/cinc-sample.json" models/default/
echo "models/default updated; sha256 of the weights:"
sha256sum models/default/model.pt
