#!/bin/sh
# Builds libkubeli_dpdk.so into $1 (default target/native) and copies it to $2 (classes, packaged in the
# jar) when the DPDK development files exist; otherwise prints why and succeeds (dpdk: then reports
# "DPDK is not available in this build").
set -eu
out="${1:-target/native}"
classes="${2:-}"
src="$(dirname "$0")/kubeli_dpdk.c"
if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists libdpdk; then
  echo "kubeli-capture-bypass: DPDK development files (libdpdk-dev) not found: dpdk: source disabled in this build"
  exit 0
fi
if ! command -v "${CC:-gcc}" >/dev/null 2>&1; then
  echo "kubeli-capture-bypass: no C compiler: dpdk: source disabled in this build"
  exit 0
fi
mkdir -p "$out"
if [ ! -f "$out/libkubeli_dpdk.so" ] || [ "$src" -nt "$out/libkubeli_dpdk.so" ]; then
  # shellcheck disable=SC2046
  "${CC:-gcc}" -O2 -g -fPIC -shared -Wall -Werror=implicit-function-declaration -Werror=int-conversion \
    -o "$out/libkubeli_dpdk.so" "$src" $(pkg-config --cflags libdpdk) $(pkg-config --libs libdpdk)
  echo "kubeli-capture-bypass: built $out/libkubeli_dpdk.so against DPDK $(pkg-config --modversion libdpdk)"
fi
if [ -n "$classes" ]; then
  mkdir -p "$classes"
  cp "$out/libkubeli_dpdk.so" "$classes/libkubeli_dpdk.so"
fi
