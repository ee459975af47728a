#!/usr/bin/env bash
# Run on the GPU machine, from the repository root, with .cuda-carry/ (made by prepare.sh) in place: the
# CUDA tests (JUnit console launcher), the jar's walkthrough on the CPU and with --device cuda, and the
# benchmarks, and the SGEMM variants against PyTorch; then a short summary. Needs no Java, Maven or network
# there; finishes in under 5 minutes (each step under a timeout: 150 + 15 + 15 + 70 + 40 s).
# Results are written under $OUT (the device tool's folder) or /tmp/dlblocks-cuda.
set -uo pipefail
cd "$(dirname "$0")/../.."
carry=.cuda-carry
out="${OUT:-/tmp/dlblocks-cuda}"
mkdir -p "$out"
java="$carry/jre/bin/java"
cp="$carry/test-classes:$carry/dlblocks.jar"
for jar in "$carry"/lib/*.jar; do
    case "$jar" in *console-standalone*) ;; *) cp="$cp:$jar" ;; esac
done
(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || echo "nvidia-smi failed") \
    > "$out/gpu.txt" 2>&1

echo "== CUDA tests (dlblocks.cuda, and dlblocks.cli.CudaTrainCommandTest)"
timeout "${DLBLOCKS_TEST_TIMEOUT:-150}" "$java" -Xss8m -jar "$carry"/lib/junit-platform-console-standalone-*.jar execute \
    --class-path "$cp" --select-package dlblocks.cuda --select-class dlblocks.cli.CudaTrainCommandTest --include-classname '.*' \
    --details tree --disable-banner --disable-ansi-colors --reports-dir "$out/junit" > "$out/tests.txt" 2>&1
tests_rc=$?
grep -E "✘|MethodSource|Assumption failed|tests (successful|failed|aborted|skipped)|containers failed" "$out/tests.txt" \
    | head -n 60

echo "== walkthrough: java -jar dlblocks.jar on the CPU, and with --device cuda"
timeout "${DLBLOCKS_WALK_TIMEOUT:-15}" "$java" -jar "$carry/dlblocks.jar" > "$out/walkthrough-cpu.txt" 2>&1
timeout "${DLBLOCKS_WALK_TIMEOUT:-15}" "$java" -jar "$carry/dlblocks.jar" --device cuda > "$out/walkthrough-cuda.txt" 2>&1
walk_rc=$?
if [ "$walk_rc" -eq 0 ] && cmp -s "$out/walkthrough-cpu.txt" "$out/walkthrough-cuda.txt"; then
    walk="identical to the CPU's ($(wc -l < "$out/walkthrough-cpu.txt") lines)"
else
    walk="DIFFERS from the CPU's (exit $walk_rc)"
    diff "$out/walkthrough-cpu.txt" "$out/walkthrough-cuda.txt" | head -n 20
fi

echo "== benchmarks"
timeout 70 "$java" -cp "$cp" dlblocks.cuda.CudaBenchmarks > "$out/bench.txt" 2>&1
bench_rc=$?
cat "$out/bench.txt"

echo "== SGEMM variants against PyTorch (verification/cuda/sgemm-variants; CuPy and PyTorch, where they are)"
if [ -f "$carry/variants.cubin" ] && python3 -c "import cupy, torch" > /dev/null 2>&1; then
    PYTHONUNBUFFERED=1 timeout 40 python3 verification/cuda/sgemm-variants/bench.py "$carry/variants.cubin" \
        src/main/resources/dlblocks/cuda/kernels.ptx > "$out/variants.txt" 2>&1
    grep "^ROW" "$out/variants.txt"
else
    echo "skipped: no variants.cubin in $carry, or no CuPy and PyTorch here"
fi

count() { grep -E "tests $1" "$out/tests.txt" | grep -oE "[0-9]+" | head -n 1; }
echo
echo "== summary"
echo "GPU:         $(cat "$out/gpu.txt")"
echo "tests:       $(count successful) passed, $(count failed) failed, $(count aborted) skipped (aborted), exit $tests_rc"
echo "walkthrough: --device cuda output $walk"
echo "benchmarks:  exit $bench_rc"
grep -E "^(BENCH|TARGET|SKIP)" "$out/bench.txt" | sed 's/^/  /'
[ "$tests_rc" -eq 0 ] && [ "$walk_rc" -eq 0 ] && cmp -s "$out/walkthrough-cpu.txt" "$out/walkthrough-cuda.txt"
