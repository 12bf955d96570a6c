#!/usr/bin/env bash
# Builds the libFuzzer targets (preset `fuzz`) and runs each on its seed corpus for SECONDS (default 20).
# Real vendor files from ../shared/samples join the corpora when present. A crash fails the script and
# leaves the reproducer in build/fuzz/crashes/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
bash scripts/install-deps.sh
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz
work=build/fuzz/corpus
mkdir -p "$work"/{wfdb,dicom,xml,xli,scp,edf,text,ishne,mfer} build/fuzz/crashes
cp tests/fuzz/seeds/wfdb/* "$work/wfdb/"
cp tests/fuzz/seeds/dicom/* "$work/dicom/"
cp tests/fuzz/seeds/xml/* "$work/xml/"
cp tests/fuzz/seeds/scp/* "$work/scp/"
cp tests/fuzz/seeds/edf/* "$work/edf/"
cp tests/fuzz/seeds/text/* "$work/text/"
cp tests/fuzz/seeds/ishne/* "$work/ishne/"
cp tests/fuzz/seeds/mfer/* "$work/mfer/"
printf '\x00\x00' > "$work/xli/empty"
shared=../shared/samples
if [ -d "$shared" ]; then
  cp "$shared"/dicom/*.dcm "$work/dicom/" 2>/dev/null || true
  cp "$shared"/scp/* "$work/scp/" 2>/dev/null || true
  cp "$shared"/hl7aecg/*.xml "$shared"/muse/*.xml "$shared"/philips/* "$shared"/schiller/*.xml "$shared"/cardiosoft/*.xml "$work/xml/" 2>/dev/null || true
  cp "$shared"/edf/*.edf "$work/edf/" 2>/dev/null || true
  cp "$shared"/ishne/*.ecg "$work/ishne/" 2>/dev/null || true
  cp "$shared"/mfer/*.MWF "$work/mfer/" 2>/dev/null || true
fi
for target in wfdb dicom xml xli scp edf text ishne mfer; do
  echo "== fuzz_$target for ${seconds}s"
  ./build/fuzz/bin/fuzz_$target "$work/$target" -max_total_time="$seconds" -rss_limit_mb=2048 \
    -max_len=262144 -artifact_prefix=build/fuzz/crashes/$target- -print_final_stats=1 2>&1 | tail -n 4
done
