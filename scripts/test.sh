#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR
# Runs the test suite: installs the missing packages, builds into build/, runs CTest offscreen.
set -euo pipefail
NETCANVAS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=common.sh
source "$NETCANVAS_ROOT/scripts/common.sh"

netcanvas_install_packages
netcanvas_build

# tst_export runs the exported ONNX models in ONNX Runtime: the npm package onnxruntime-node
# ships its own binary (--ignore-scripts skips its optional CUDA download). Without node/npm, or
# offline, that comparison is skipped and the test says so.
onnx_check="$NETCANVAS_ROOT/tools/onnx-check"
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    if [ ! "$onnx_check/node_modules/.package-lock.json" -nt "$onnx_check/package-lock.json" ]; then
        echo "== Installing ONNX Runtime for the export test (npm ci in tools/onnx-check)"
        if ! (cd "$onnx_check" && npm ci --ignore-scripts --no-audit --no-fund); then
            echo "warning: npm ci failed: tst_export will skip the ONNX Runtime check" >&2
        fi
    fi
else
    echo "== node/npm not found: tst_export will skip the ONNX Runtime check"
fi

# The loaders under libFuzzer with ASan and UBSan (docs/fuzzing.md), when clang and its
# libFuzzer runtime are installed; first, so that CTest's summary stays the last lines. Every run
# replays each corpus (seeds and the regression inputs of earlier crashes). In CI (CI=true) each
# harness is then fuzzed for 30 s, so new inputs are tried on every push; a developer's run
# replays only (the same result every time, no 3-minute wait) unless NETCANVAS_FUZZ_SECONDS says
# otherwise (0: replay only, anywhere).
fuzz_seconds=0
if [ "${CI:-}" = "true" ]; then
    fuzz_seconds=30
fi
fuzz_seconds="${NETCANVAS_FUZZ_SECONDS:-$fuzz_seconds}"
fuzz_status=0
if "$NETCANVAS_ROOT/scripts/fuzz.sh" --available; then
    "$NETCANVAS_ROOT/scripts/fuzz.sh" "$fuzz_seconds" || fuzz_status=$?
else
    echo "== clang with libFuzzer not found: fuzzing skipped (apt-get install clang libclang-rt-14-dev libomp-14-dev)"
fi

echo "== Running the tests"
export QT_QPA_PLATFORM=offscreen
ctest --test-dir "$(netcanvas_build_dir)" --output-on-failure -j2
if [ "$fuzz_status" -ne 0 ]; then
    echo "error: fuzzing failed (exit $fuzz_status): see the fuzz: lines above" >&2
    exit "$fuzz_status"
fi
