#!/usr/bin/env bash
# Builds emulated_driver.cpp into DIR/libcuda.so.1: a CUDA driver that runs the kernels on the CPU.
# With LD_LIBRARY_PATH=DIR, JCuda loads it instead of NVIDIA's, and the CUDA tests run without a GPU.
# Usage: build-emulated-driver.sh DIR. Needs g++ (C++17); takes about ten seconds.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="${1:?usage: build-emulated-driver.sh DIR}"
mkdir -p "$dir"
# -ffp-contract=off: like nvcc --fmad=false, never fuse a * b + c behind the code's back.
g++ -std=c++17 -O2 -march=native -ffp-contract=off -fPIC -shared -Wall -Wno-unused-parameter -Wno-unused-function -Wno-unknown-pragmas \
    -Wl,-soname,libcuda.so.1 -o "$dir/libcuda.so.1.tmp" "$here/emulated_driver.cpp"
mv "$dir/libcuda.so.1.tmp" "$dir/libcuda.so.1"
