#!/usr/bin/env bash
# Installs EcgScope's build and test dependencies from Debian 12 packages.
# Idempotent: only packages that are not installed yet are fetched.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config
  qt6-base-dev qt6-base-dev-tools libqt6opengl6-dev qt6-charts-dev libqt6sql6-sqlite libqt6svg6
  libqcustomplot-dev
  libtorch-dev libgloo-dev libopenblas0-pthread
  libdcmtk-dev dcmtk dicom3tools
  xvfb xauth xdotool
  clang libclang-rt-14-dev
  dpkg-dev lintian
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
