#!/bin/bash
# Regenerates docs/benchmarks.md: EcgScope side by side with what a user would otherwise run (PyTorch in
# Python, pydicom, numpy), in one run on this machine. Needs Debian's python3-torch, python3-pydicom,
# python3-numpy and GNU time (installed here when missing). Takes about 16 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
missing=()
for p in python3-torch python3-pydicom python3-numpy python3-scipy time; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then apt-get install -y -q "${missing[@]}"; else sudo apt-get install -y -q "${missing[@]}"; fi
fi
PY=/usr/bin/python3 # Debian's, where python3-torch is
cmake --preset release >/dev/null
cmake --build --preset release
BIN=build/release/bin
W=build/bench
rm -rf "$W" && mkdir -p "$W"

echo "== networks: EcgScope (LibTorch) and PyTorch on the same weights and batches, 3 interleaved rounds"
for spec in "resnet 32 2" "inception 16 6"; do
  read -r net width depth <<<"$spec"
  for length in 1000 2500; do
    "$BIN/ecgscope-cli" bench --net "$net" --width "$width" --depth "$depth" --length "$length" --export "$W/$net-$length" >/dev/null
    for round in 1 2 3; do
      for threads in 1 2; do
        tag="$net-$length-$threads-$round"
        "$BIN/ecgscope-cli" bench --net "$net" --width "$width" --depth "$depth" --length "$length" --threads "$threads" > "$W/cpp-$tag.json"
        "$PY" bench/pytorch_bench.py --net "$net" --width "$width" --depth "$depth" --threads "$threads" "$W/$net-$length" > "$W/py-$tag.json"
        OPENBLAS_NUM_THREADS=1 "$PY" bench/pytorch_bench.py --net "$net" --width "$width" --depth "$depth" --threads "$threads" \
          "$W/$net-$length" > "$W/pyblas1-$tag.json"
      done
    done
  done
done

echo "== the same, one ECG at a time, while two other processes keep both cores busy"
for length in 1000 2500; do
  for hog in 1 2; do timeout 120 sh -c 'while :; do :; done' & done
  sleep 1
  "$BIN/ecgscope-cli" bench --net resnet --length "$length" --threads 1 > "$W/busy-cpp-$length.json"
  "$PY" bench/pytorch_bench.py --threads 1 --steps 2 "$W/resnet-$length" > "$W/busy-py-$length.json"
  OPENBLAS_NUM_THREADS=1 "$PY" bench/pytorch_bench.py --threads 1 --steps 2 "$W/resnet-$length" > "$W/busy-pyblas1-$length.json"
  "$PY" -c "import torch; x = torch.load('$W/resnet-$length/input.pt')[:1].unsqueeze(2); w = torch.zeros(32, 12, 1, 15); \
print(str(torch._C._select_conv_backend(x, w, None, [1, 2], [0, 7], [1, 1], False, [0, 0], 1)).split('.')[-1])" > "$W/backend-$length.txt"
  pkill -f "while :; do :; done" || true
  wait 2>/dev/null || true
done

echo "== loading"
"$BIN/ecgscope-cli" dataset synth --per-class 34 --no-other --rate 500 --seed 7 -o "$W/files" >/dev/null
for h in "$W"/files/records/*.hea; do "$BIN/ecgscope-cli" convert "$h" "${h%.hea}.dcm" >/dev/null; done
"$BIN/ecgscope-cli" bench --load --repeats 30 "$W"/files/records/*.hea > "$W/load-wfdb.json"
"$BIN/ecgscope-cli" bench --load --repeats 30 "$W"/files/records/*.dcm > "$W/load-dicom.json"
"$PY" bench/load_bench.py wfdb "$W"/files/records/*.hea "$W"/files/records/*.hea "$W"/files/records/*.hea > "$W/load-wfdb-numpy.json"
"$PY" bench/load_bench.py dicom "$W"/files/records/*.dcm "$W"/files/records/*.dcm "$W"/files/records/*.dcm > "$W/load-dicom-pydicom.json"
xml=$(ls ../shared/samples/muse/*.xml ../shared/samples/philips/*.xml ../shared/samples/hl7aecg/*.xml 2>/dev/null || true)
if [ -n "$xml" ]; then
  # shellcheck disable=SC2086
  "$BIN/ecgscope-cli" bench --load --repeats 100 $xml > "$W/load-xml.json"
fi

echo "== import and classify 1,000 records end to end"
"$BIN/ecgscope-cli" dataset synth --per-class 167 --no-other --rate 500 --seed 11 -o "$W/e2e" >/dev/null
/usr/bin/time -v "$BIN/ecgscope-cli" review import "$W/e2e.ecgdb" "$W/e2e/records" > /dev/null 2> "$W/time-import.txt"
/usr/bin/time -v "$BIN/ecgscope-cli" review classify "$W/e2e.ecgdb" > "$W/classify.txt" 2> "$W/time-classify.txt"

echo "== one ECG: preprocessing, network, end to end (bundled model, 1 thread)"
"$BIN/ecgscope-cli" bench --threads 1 --repeats 300 > "$W/bench-one.txt"

echo "== the classification pipeline on the same 1,000 records, and the Python pipeline a researcher would write"
MODEL="$BIN/../share/ecgscope/models/default"
files=("$W"/e2e/records/*.hea)
/usr/bin/time -v "$BIN/ecgscope-cli" classify --workers 1 --batch 1 "${files[@]}" > /dev/null 2> "$W/time-classify-sequential.txt"
/usr/bin/time -v "$BIN/ecgscope-cli" classify --json "${files[@]}" > "$W/classify-files.json" 2> "$W/time-classify-files.txt"
tenfold=()
for i in 1 2 3 4 5 6 7 8 9 10; do tenfold+=("${files[@]}"); done
/usr/bin/time -v "$BIN/ecgscope-cli" classify "${tenfold[@]}" > /dev/null 2> "$W/time-classify-10000.txt"
/usr/bin/time -v "$PY" bench/python_pipeline.py --threads 2 "$MODEL" "${files[@]}" > "$W/python-pipeline.json" 2> "$W/time-python-pipeline.txt"

echo "== start-up: a process that only loads LibTorch, ecgscope-cli --version, classify one file"
printf 'int main() { return 0; }\n' > "$W/empty.cpp"
g++ "$W/empty.cpp" -o "$W/empty-libtorch" -Wl,--no-as-needed -ltorch_cpu -lc10
"$PY" - "$BIN/ecgscope-cli" "$W/empty-libtorch" "$BIN/../share/ecgscope/samples/sample.hea" > "$W/startup.json" <<'PYTHON'
import json, statistics, subprocess, sys, time
def median_s(cmd):
    times = []
    for _ in range(10):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)
cli, empty, sample = sys.argv[1:]
print(json.dumps({"empty_libtorch_s": median_s([empty]), "version_s": median_s([cli, "--version"]), "classify_s": median_s([cli, "classify", sample])}))
PYTHON

echo "== viewer"
QT_QPA_PLATFORM=offscreen "$BIN/ecgscope-bench-viewer" --repeats 50 > "$W/viewer.txt"

"$PY" bench/report.py "$W" > docs/benchmarks.md
echo "wrote docs/benchmarks.md"
