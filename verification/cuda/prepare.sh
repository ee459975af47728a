#!/usr/bin/env bash
# Run HERE, on a machine with Java 17 and Maven: builds dlblocks and gathers into .cuda-carry/ everything
# that run.sh needs on a GPU machine without Java, Maven or network: a jlink Java runtime, the shaded
# dlblocks.jar, the test classes and the test jars (JUnit's console launcher among them).
set -euo pipefail
cd "$(dirname "$0")/../.."
carry=.cuda-carry
rm -rf "$carry"
mvn -q -DskipTests package
mkdir -p "$carry/lib"
# The shaded jar holds dlblocks, its runtime libraries and JCuda with only the driver API's native library
# (the pom's shade filter): the tests run against the very artifact users run.
cp target/dlblocks.jar "$carry/dlblocks.jar"
cp -r target/test-classes "$carry/test-classes"
# Test-only jars: QuickTheories, and JUnit's console launcher (which bundles the platform and Jupiter).
mvn -q dependency:copy -Dartifact=org.quicktheories:quicktheories:0.26 -DoutputDirectory="$carry/lib"
mvn -q dependency:copy -Dartifact=org.junit.platform:junit-platform-console-standalone:1.14.1 \
    -DoutputDirectory="$carry/lib"
# A Java runtime with just the modules dlblocks, JCuda and JUnit use (java.xml and jdk.zipfs for JUnit's
# XML reports and its scan of the jar).
jlink --add-modules java.base,java.logging,java.xml,jdk.unsupported,jdk.zipfs --strip-debug --no-man-pages --no-header-files \
    --compress=2 --output "$carry/jre"
# The SGEMM variants of verification/cuda/sgemm-variants/, for run.sh's last step (where nvcc is here).
if command -v nvcc > /dev/null; then
    nvcc -cubin -arch=sm_90 -std=c++17 -O3 --fmad=false -o "$carry/variants.cubin" \
        verification/cuda/sgemm-variants/variants.cu
fi
du -sh "$carry"
