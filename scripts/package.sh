#!/usr/bin/env bash
# Builds the Debian package (release preset + CPack), checks it with lintian, installs it (as root with
# apt, which pulls the runtime dependencies; otherwise unpacked into a scratch root) and runs the
# installed CLI on a record it generates.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
(cd build/release && cpack -G DEB >/dev/null)
deb=$(ls build/release/ecgscope_*_amd64.deb)
echo "package: $deb ($(du -h "$deb" | cut -f1))"
lintian --fail-on error "$deb" || { echo "lintian reports errors"; exit 1; }
scratch=$(mktemp -d)
if [ "$(id -u)" -eq 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "./$deb" >/dev/null
  cli=/usr/bin/ecgscope-cli
else
  dpkg -x "$deb" "$scratch/root"
  cli="$scratch/root/usr/bin/ecgscope-cli"
fi
"$cli" --version
"$cli" synth --rhythm af --seed 11 -o "$scratch/af"
"$cli" classify "$scratch/af.hea"
"$cli" info "$("$cli" --version >/dev/null; dirname "$cli")/../share/ecgscope/samples/sample.hea" | head -3
rm -rf "$scratch"
echo "package OK"
