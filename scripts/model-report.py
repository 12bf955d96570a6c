#!/usr/bin/env python3
"""Markdown tables for docs/model.md from the evaluations scripts/train-bundled-model.sh writes
(WORKDIR/report/<model>-<set>.json from `ecgscope-cli evaluate --json`, bootstrap included).

Usage: scripts/model-report.py [WORKDIR]   (default build/bundled-model)
"""
import json
import os
import sys

work = sys.argv[1] if len(sys.argv) > 1 else "build/bundled-model"
MODELS = [("model", "bundled model"), ("no-cinc", "same without cinc-sample"), ("previous", "previous (synthetic only)"),
          ("real-only", "real records only"), ("rule", "RR-interval rule")]
# (set, metric, class, goal, at least?) as the issue states them.
GOALS = [("chapman", "f1", "AF/AFL", 0.95, True), ("chapman", "f1", "STach", 0.95, True),
         ("chapman", "f1", "VPC", 0.85, True), ("chapman", "f1", "AVB1/2", 0.85, True),
         ("chapman", "false_flags", None, 0.05, False),
         ("cinc", "recall", "AF/AFL", 0.90, True), ("cinc", "recall", "STach", 0.85, True),
         ("cinc", "recall", "VPC", 0.75, True), ("cinc", "recall", "AVB1/2", 0.70, True),
         ("cinc", "false_flags", None, 0.10, False)]
SETS = {"chapman": "one hospital (Chapman test split)", "cinc": "five other countries (cinc-sample)"}


def load(model, dataset):
    path = os.path.join(work, "report", f"{model}-{dataset}.json")
    return json.load(open(path)) if os.path.exists(path) else None


def figure(report, metric, cls):
    if report is None:
        return "-"
    b = report.get("bootstrap", {})
    if metric == "false_flags":
        value, ci = b.get("false_flag_rate"), b.get("false_flag_rate_95")
    else:
        value, ci = report["per_class"][cls][metric], b.get(f"{metric}_95", {}).get(cls)
    text = f"{value:.2f}"
    return text + (f" [{ci[0]:.2f}, {ci[1]:.2f}]" if ci else "")


def value(report, metric, cls):
    if metric == "false_flags":
        return report["bootstrap"]["false_flag_rate"]
    return report["per_class"][cls][metric]


print("| records | figure | goal | " + " | ".join(name for _, name in MODELS) + " | goal met |")
print("|---|---|---|" + "---|" * len(MODELS) + "---|")
for dataset, metric, cls, goal, at_least in GOALS:
    label = "'Other' flagged" if metric == "false_flags" else f"{cls} {'F1' if metric == 'f1' else 'recall'}"
    cells = [figure(load(m, dataset), metric, cls) for m, _ in MODELS]
    # The bundled model was trained on cinc-sample: the other countries' goals are the no-cinc model's.
    ours = load("model" if dataset == "chapman" else "no-cinc", dataset)
    met = "-" if ours is None else ("yes" if (value(ours, metric, cls) >= goal if at_least else value(ours, metric, cls) <= goal) else "**no**")
    print(f"| {SETS[dataset]} | {label} | {'≥' if at_least else '≤'} {goal:.2f} | " + " | ".join(cells) + f" | {met} |")

print()
print("| model | synthetic test macro-F1 | synthetic test accuracy | Chapman test records | cinc-sample records |")
print("|---|---|---|---|---|")
for m, name in MODELS[:4]:
    s, c, x = load(m, "synthetic"), load(m, "chapman"), load(m, "cinc")
    print(f"| {name} | {s['macro']['f1']:.3f} | {s['accuracy']:.3f} | {c['count'] if c else '-'} | {x['count'] if x else '-'} |" if s else f"| {name} | - | - | - | - |")

for m, name in MODELS:
    for dataset in ("chapman", "cinc"):
        r = load(m, dataset)
        if r is None:
            continue
        print(f"\n**{name}, {SETS[dataset]}** (rows: true class, columns: predicted)\n")
        names = r["classes"]
        print("| | " + " | ".join(names) + " |")
        print("|---|" + "---|" * len(names))
        for i, row in enumerate(r["confusion"]):
            if sum(row) or i < 1:
                print(f"| {names[i]} | " + " | ".join(f"**{v}**" if j == i else str(v) for j, v in enumerate(row)) + " |")
