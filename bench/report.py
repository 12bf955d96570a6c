#!/usr/bin/python3
"""Turns the outputs of bench/run-benchmarks.sh (a folder) into docs/benchmarks.md on stdout."""
import glob
import json
import os
import platform
import subprocess
import sys

W = sys.argv[1]


def load(name):
    path = os.path.join(W, name)
    return json.load(open(path)) if os.path.exists(path) else None


def best(prefix, tag):
    """The best of the interleaved rounds, per measure: shared machines add noise only one way."""
    rounds = [load(f"{prefix}-{tag}-{r}.json") for r in (1, 2, 3)]
    rounds = [r for r in rounds if r]
    if not rounds:
        return None
    out = dict(rounds[0])
    for key in ("latency_ms", "batched_ms_per_ecg"):
        out[key] = min(r[key] for r in rounds)
    out["train_samples_per_s"] = max(r["train_samples_per_s"] for r in rounds)
    return out


def ratio(ours, theirs, higher_is_better=True):
    if not ours or not theirs:
        return "-"
    r = ours / theirs if higher_is_better else theirs / ours
    return f"**{r:.2f}×**" if r >= 1.0 else f"{r:.2f}× (slower)"


def wall_and_rss(name):
    wall = rss = None
    for line in open(os.path.join(W, name)):
        line = line.strip()
        if line.startswith("Elapsed (wall clock)"):
            t = line.split(": ")[-1].split(":")
            wall = sum(float(x) * 60 ** i for i, x in enumerate(reversed(t)))
        if line.startswith("Maximum resident set size"):
            rss = int(line.split(": ")[-1]) / 1024.0
    return wall, rss


cpu = subprocess.run(["sh", "-c", "lscpu | sed -n 's/^Model name: *//p'"], capture_output=True, text=True).stdout.strip()
cpp_any = load("cpp-resnet-1000-1-1.json")
py_any = load("py-resnet-1000-1-1.json")
print("# Benchmarks\n")
print(f"Regenerate with `bench/run-benchmarks.sh` (one run, everything on the same machine). This run: {os.cpu_count()} cores, "
      f"{cpu or platform.processor()}, Debian {open('/etc/debian_version').read().strip()}; "
      f"EcgScope on {cpp_any['runtime'].split(',')[0] if cpp_any else '?'}; Python: {py_any['runtime'].split(',')[0] if py_any else '?'} (Debian's python3-torch, "
      f"the same 1.13 sources as libtorch-dev), both with OpenBLAS (`libopenblas0-pthread`). \"threads\" is the intra-op thread "
      f"count of LibTorch and PyTorch alike. Each number is the best of three interleaved rounds (the median of 10-30 repetitions "
      f"within a round): this is a shared virtual machine, and other tenants only ever slow a round down.\n")
print("Ratios are EcgScope's speed over the other tool's: above 1 EcgScope is faster. \"PyTorch\" is Python as a user runs it; "
      "\"PyTorch, BLAS 1 thread\" is the same with `OPENBLAS_NUM_THREADS=1`, the setting EcgScope applies to itself "
      "(`ml::limitBlasThreads`). Both sides load the same weights and inputs (`ecgscope-cli bench --net ... --export`, "
      "`bench/pytorch_bench.py`), and the logits agree to the maximum absolute difference shown.\n")

print("## Inference: one ECG (batch 1), latency\n")
print("| network | samples | threads | GFLOP per ECG | EcgScope ms | PyTorch ms | PyTorch, BLAS 1 thread, ms | vs PyTorch | vs PyTorch, BLAS 1 thread | EcgScope GFLOP/s | logit difference |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
rows = []
for net in ("resnet", "inception"):
    for length in (1000, 2500):
        for threads in (1, 2):
            tag = f"{net}-{length}-{threads}"
            c, p, q = best("cpp", tag), best("py", tag), best("pyblas1", tag)
            if c and p and q:
                rows.append((net, length, threads, c, p, q))
for net, length, threads, c, p, q in rows:
    gflop = p["flops_per_ecg"] / 1e9
    print(f"| {net} | {length} | {threads} | {gflop:.3f} | {c['latency_ms']:.2f} | {p['latency_ms']:.2f} | {q['latency_ms']:.2f} | "
          f"{ratio(c['latency_ms'], p['latency_ms'], False)} | {ratio(c['latency_ms'], q['latency_ms'], False)} | "
          f"{gflop / (c['latency_ms'] / 1000):.1f} | {p['max_abs_logit_difference']:.1e} |")

print("\n### On a busy machine\n")
print("The same batch-1 ResNet while two other processes keep both cores busy (as on a workstation that also runs the GUI, "
      "a browser, a second analysis), 1 thread:\n")
print("| samples | PyTorch's convolution backend | EcgScope ms | PyTorch ms | PyTorch, BLAS 1 thread, ms | vs PyTorch |")
print("|---|---|---|---|---|---|")
for length in (1000, 2500):
    c, p, q = load(f"busy-cpp-{length}.json"), load(f"busy-py-{length}.json"), load(f"busy-pyblas1-{length}.json")
    backend_file = os.path.join(W, f"backend-{length}.txt")
    backend = open(backend_file).read().strip() if os.path.exists(backend_file) else "?"
    if c and p and q:
        print(f"| {length} | {backend} | {c['latency_ms']:.2f} | {p['latency_ms']:.2f} | {q['latency_ms']:.2f} | {ratio(c['latency_ms'], p['latency_ms'], False)} |")

print("\n## Inference: batched throughput (batch 32), ECGs per second\n")
print("| network | samples | threads | EcgScope | PyTorch | PyTorch, BLAS 1 thread | vs PyTorch | vs PyTorch, BLAS 1 thread | EcgScope GFLOP/s |")
print("|---|---|---|---|---|---|---|---|---|")
for net, length, threads, c, p, q in rows:
    ours, theirs, tuned = 1000 / c["batched_ms_per_ecg"], 1000 / p["batched_ms_per_ecg"], 1000 / q["batched_ms_per_ecg"]
    print(f"| {net} | {length} | {threads} | {ours:.0f} | {theirs:.0f} | {tuned:.0f} | {ratio(ours, theirs)} | {ratio(ours, tuned)} | "
          f"{ours * p['flops_per_ecg'] / 1e9:.1f} |")

print("\n## Training: samples per second (Adam, cross-entropy, batch 32, identical batches)\n")
print("| network | samples | threads | EcgScope | PyTorch | PyTorch, BLAS 1 thread | vs PyTorch | vs PyTorch, BLAS 1 thread |")
print("|---|---|---|---|---|---|---|---|")
for net, length, threads, c, p, q in rows:
    print(f"| {net} | {length} | {threads} | {c['train_samples_per_s']:.0f} | {p['train_samples_per_s']:.0f} | {q['train_samples_per_s']:.0f} | "
          f"{ratio(c['train_samples_per_s'], p['train_samples_per_s'])} | {ratio(c['train_samples_per_s'], q['train_samples_per_s'])} |")

print("\n## Loading files (whole record into µV floats), files per second\n")
print("| format | EcgScope | Python | vs Python |")
print("|---|---|---|---|")
for name, ours, theirs, who in (("WFDB format 16, 10 s 12-lead 500 Hz", "load-wfdb.json", "load-wfdb-numpy.json", "numpy"),
                                ("DICOM 12-lead ECG, same records", "load-dicom.json", "load-dicom-pydicom.json", "pydicom"),
                                ("XML (GE MUSE, Philips, HL7 aECG samples)", "load-xml.json", None, None)):
    o, t = load(ours), load(theirs) if theirs else None
    if o:
        theirs_text = "%.0f (%s)" % (t["files_per_s"], who) if t else "-"
        versus = ratio(o["files_per_s"], t["files_per_s"]) if t else "-"
        print(f"| {name} | {o['files_per_s']:.0f} | {theirs_text} | {versus} |")

print("\n## Import and classify a folder of 1,000 synthetic records (10 s, 12 leads, 500 Hz), end to end\n")
print("| step | wall time | peak memory (RSS) |")
print("|---|---|---|")
records = len(load("python-pipeline.json")["decided"]) if load("python-pipeline.json") else 1000
for step, name in (("`ecgscope-cli review import` (read, hash, store, labels)", "time-import.txt"),
                   ("`ecgscope-cli review classify` (bundled model, the pipeline, a transaction per 64 records)", "time-classify.txt")):
    wall, rss = wall_and_rss(name)
    print(f"| {step} | {wall:.1f} s ({records / wall:.0f} records/s) | {rss:.0f} MiB |")

print("\n## Classification: one ECG, and folders of records\n")
one = {}
for line in open(os.path.join(W, "bench-one.txt")):
    if ": median" in line or "batch 1:" in line:
        key = line.split(",")[0].split(":")[0].split(" (")[0].strip()
        one[key] = float(line.split("median ")[-1].split(" ms")[0]) if ": median" in line else float(line.split(": ")[1].split(" ms")[0])
network = one.get("network only", 0.0)
print("One 10 s 12-lead 500 Hz ECG in memory, bundled ResNet, 1 LibTorch thread (`ecgscope-cli bench`), medians:\n")
print("| step | ms |")
print("|---|---|")
print(f"| preprocessing alone (resample 500 → 100 Hz, 0.5-40 Hz zero-phase band-pass, standardise) | {one.get('preprocessing only', 0):.3f} |")
print(f"| network alone, batch 1 | {network:.2f} |")
print(f"| end to end (`Classifier::classify`) | {one.get('end-to-end classify', 0):.2f} (network + {one.get('end-to-end classify', 0) - network:.2f}) |")
seq_wall, seq_rss = wall_and_rss("time-classify-sequential.txt")
pipe_wall, pipe_rss = wall_and_rss("time-classify-files.txt")
ten_wall, ten_rss = wall_and_rss("time-classify-10000.txt")
py = load("python-pipeline.json")
py_wall, py_rss = wall_and_rss("time-python-pipeline.txt")
ours = json.load(open(os.path.join(W, "classify-files.json")))
names = json.load(open("models/default/model.json"))["classes"]  # the order of the network's outputs
argmax = [names.index(max(r["probabilities"], key=r["probabilities"].get)) for r in ours]
agree = sum(a == b for a, b in zip(argmax, py["decided"])) / len(argmax)
start = load("startup.json")
print(f"\n{records} WFDB records (10 s, 12 leads, 500 Hz) classified from their files on 2 cores: the whole process's wall "
      f"time, and the rate after start-up (EcgScope: less the {start['version_s']:.2f} s `ecgscope-cli --version` takes, "
      f"LibTorch's load; Python: timed inside the script, after its imports and the model's load):\n")
print("| run | wall time | records/s, whole process | records/s after start-up | peak memory (RSS) | vs Python, whole process | vs Python, after start-up |")
print("|---|---|---|---|---|---|---|")
py_steady = py["records_per_s"]
rows = (("Python: numpy reading, `scipy.signal.resample_poly` + `filtfilt`, PyTorch batches of 32, same weights (`bench/python_pipeline.py`, 2 threads)",
         py_wall, py_rss, records, py_steady),
        ("`ecgscope-cli classify --workers 1 --batch 1` (one record at a time)", seq_wall, seq_rss, records, None),
        ("`ecgscope-cli classify` (the pipeline: a reader thread, batches of 32 windows)", pipe_wall, pipe_rss, records, None),
        ("`ecgscope-cli classify`, the same files 10 times (10,000 records)", ten_wall, ten_rss, 10 * records, None))
for name, wall, rss, n, steady in rows:
    steady = steady or n / (wall - start["version_s"])
    whole = ratio(n / wall, records / py_wall) if n == records else "-"  # Python's start-up is paid once per run too
    print(f"| {name} | {wall:.2f} s | {n / wall:.0f} | {steady:.0f} | {rss:.0f} MiB | {whole} | {ratio(steady, py_steady)} |")
print(f"\nEcgScope's and the Python pipeline's arg-max classes agree on {100 * agree:.1f}% of the records (the two resample with "
      f"different filters: EcgScope's windowed sinc, scipy's polyphase Kaiser FIR).\n")
print("Start-up, medians of 10 runs:\n")
print("| process | seconds |")
print("|---|---|")
print(f"| an empty C++ program linked to Debian's LibTorch (its load alone: 290 shared libraries, their static initialisers) | {start['empty_libtorch_s']:.3f} |")
print(f"| `ecgscope-cli --version` | {start['version_s']:.3f} |")
print(f"| `ecgscope-cli classify sample.hea` (first and only result) | {start['classify_s']:.3f} |")

print("\n## Viewer redraw\n")
print("```")
print(open(os.path.join(W, "viewer.txt")).read().strip())
print("```")
