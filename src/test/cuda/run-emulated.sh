#!/usr/bin/env bash
# Runs the kernels of src/main/cuda/kernels.cu on the CPU (emulator.h) and checks them against plain
# loops: a test of their logic for machines without a GPU. Needs g++ (C++17); takes a few seconds.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
# -ffp-contract=off: like nvcc --fmad=false, never fuse a * b + c behind the code's back.
g++ -std=c++17 -O1 -march=native -ffp-contract=off -Wno-unused-parameter -o "$out/kernels_emulated_test" \
    "$here/kernels_emulated_test.cpp"
"$out/kernels_emulated_test"
