#!/usr/bin/env bash
# Rebuilds the bundled classifier in models/default with the project's own commands (about 7 minutes
# on 2 cores): a synthetic corpus from the generator, a network pretrained on it, then fine-tuned on the
# real records of ../shared/data with the synthetic corpus replayed beside them, chosen and calibrated on
# real (Chapman) validation records only. The same fine-tuning without any cinc-sample record gives the
# figures for the five other countries, which that model never saw. Then every comparison of
# docs/model.md: the previous bundled model, the RR-interval rule and a model trained on real records alone.
# Usage: scripts/train-bundled-model.sh [WORKDIR]   (default build/bundled-model)
set -euo pipefail
cd "$(dirname "$0")/.."
work="${1:-build/bundled-model}"
data=../shared/data
cli=./build/release/bin/ecgscope-cli
[ -d "$data/chapman-sample" ] && [ -d "$data/cinc-sample" ] || { echo "needs $data/chapman-sample and $data/cinc-sample" >&2; exit 1; }
[ -x "$cli" ] || { cmake --preset release >/dev/null && cmake --build --preset release; }
rm -rf "$work/report" && mkdir -p "$work/report" # no stale figures from an earlier run
common=(--arch resnet --strategy focal --no-features --threads 2 --seed 1)

# Data: the generator's corpus, and the real records with patient-wise splits (each Chapman record is
# its own patient; split seed 7, a split no development decision looked at). cinc-sample is test only.
# (Seed 12: not the seed-2 corpus the previous bundled model learnt from, so its synthetic figure is fair.)
[ -f "$work/synthetic/manifest.csv" ] || "$cli" dataset synth --per-class 500 --other-factor 3 --seed 12 -o "$work/synthetic"
"$cli" dataset import --format challenge "$data/chapman-sample" --other --keep-rarer --seed 7 -o "$work/chapman.csv"
"$cli" dataset import --format challenge "$data/cinc-sample" --other --keep-rarer --val 0 --test 1 -o "$work/cinc.csv"
"$cli" dataset import --format challenge "$data/cinc-sample" --other --keep-rarer --val 0 --test 0 -o "$work/cinc-train.csv"

# 1. Pretraining on synthetic ECGs: every class, PSVT and complete AV block included.
"$cli" train --manifest "$work/synthetic/manifest.csv" "${common[@]}" --epochs 20 --patience 6 -o "$work/pretrained"
# 2. Fine-tuning on the real records with the synthetic corpus replayed beside them, so that the two
#    classes without real examples are not forgotten; validation (model choice, temperature, max-F1
#    thresholds) on real records only. Chosen among three variants by validation figures alone
#    (synthetic weight 1 vs 0.5, pretrained layers at 0.3 x lr vs all at 1e-4, 3 frozen epochs).
finetune=(--init "$work/pretrained" --manifest "$work/chapman.csv" --manifest "$work/synthetic/manifest.csv" --val-source chapman
  --strategy focal --threads 2 --seed 1 --epochs 20 --patience 10 --lr 3e-4 --pretrained-lr-scale 0.3 --thresholds f1)
"$cli" train "${finetune[@]}" -o "$work/no-cinc"
# 3. The bundled model: the same, with the five other countries' records in training too (more kinds of
#    devices, patients and labelling habits than one hospital has).
"$cli" train "${finetune[@]}" --manifest "$work/cinc-train.csv" -o "$work/model"

# Comparisons, each on the same held-out records.
[ -d "$work/previous" ] || { mkdir -p "$work/previous" && cp models/default/* "$work/previous/"; }
"$cli" train --manifest "$work/chapman.csv" "${common[@]}" --epochs 25 --patience 10 -o "$work/real-only"
for model in model no-cinc previous real-only; do
  for set in chapman cinc; do
    [ "$model/$set" = model/cinc ] && continue # trained on
    "$cli" evaluate --model "$work/$model" --manifest "$work/$set.csv" --split test --json "$work/report/$model-$set.json" > "$work/report/$model-$set.txt"
  done
  "$cli" evaluate --model "$work/$model" --manifest "$work/synthetic/manifest.csv" --split test --json "$work/report/$model-synthetic.json" > "$work/report/$model-synthetic.txt"
done
for set in chapman cinc; do
  "$cli" evaluate --rule rr --manifest "$work/$set.csv" --split test --json "$work/report/rule-$set.json" > "$work/report/rule-$set.txt"
done

rm -f models/default/*
cp "$work"/model/{model.pt,model.json,metrics.json,metrics.csv,confusion.csv,history.csv} models/default/
cp "$work/report/model-chapman.json" models/default/chapman-test.json
cp "$work/report/no-cinc-cinc.json" models/default/cinc-sample-without-cinc-training.json
cp "$work/report/model-synthetic.json" models/default/synthetic-test.json
echo "models/default updated; reports in $work/report; sha256 of the weights:"
sha256sum models/default/model.pt
