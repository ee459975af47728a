#!/usr/bin/env bash
# A rehearsal of the GPU run, HERE, without a GPU: prepare.sh fills .cuda-carry/ as for the GPU machine,
# then run.sh runs from it exactly as it will there, except that JCuda loads the CPU emulator of the CUDA
# driver (src/test/cuda/emulated_driver.cpp) instead of NVIDIA's. It checks the carried runtime, the
# classpath, the console launcher, every CUDA test, both walkthroughs and the benchmarks' code (which the
# emulator runs once, small, without timing). The emulator is thousands of times slower than a GPU, so
# the tests get 900 s here instead of 170. Needs g++. Results: $OUT or /tmp/dlblocks-cuda-emulated.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash verification/cuda/prepare.sh
bash src/test/cuda/build-emulated-driver.sh target/emulated-cuda
LD_LIBRARY_PATH="$PWD/target/emulated-cuda" DLBLOCKS_TEST_TIMEOUT=900 DLBLOCKS_WALK_TIMEOUT=300 OUT="${OUT:-/tmp/dlblocks-cuda-emulated}" \
    bash verification/cuda/run.sh
