#!/usr/bin/env bash
# Compiles src/main/cuda/kernels.cu to PTX for compute_80 (A100 and later; the driver compiles the PTX
# for the GPU it finds, e.g. an H100 or H200) and records the source's sha256 beside the PTX, so that a
# test can tell when the committed PTX is stale.
#
#   src/main/cuda/build-ptx.sh            writes src/main/resources/dlblocks/cuda/kernels.ptx (+ .sha256)
#   src/main/cuda/build-ptx.sh DIR        writes them into DIR instead (PtxTest uses this)
#   mvn -Pcuda-ptx generate-resources     runs this script
#
# --fmad=false: the compiler never fuses a * b + c, so every rounding is the one the source writes (the
# only fused multiply-adds are the explicit fma()/fmaf() calls).
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
out="${1:-$root/src/main/resources/dlblocks/cuda}"
mkdir -p "$out"
cd "$root/src/main/cuda"
nvcc -ptx -arch=compute_80 -std=c++17 -O3 --fmad=false -o "$out/kernels.ptx" kernels.cu
sha256sum kernels.cu > "$out/kernels.cu.sha256"
