#!/usr/bin/env bash
# Fuzzes the engine's loaders (docs/fuzzing.md): configures build-fuzz/ with clang and
# -DNETCANVAS_FUZZ=ON, builds the libFuzzer harnesses of tests/fuzz/ and runs each for SECONDS
# (default 30; 0 only replays the corpus) on its corpus. Exits 1 when a harness found a crash,
# leak, timeout or out-of-memory (the input is saved under build-fuzz/fuzz/crashes/HARNESS/),
# 2 when clang or libFuzzer is missing.
#
# usage: scripts/fuzz.sh [SECONDS] [HARNESS...]
# env:   NETCANVAS_FUZZ_BUILD_DIR (default build-fuzz), NETCANVAS_FUZZ_ARGS (more libFuzzer flags)
set -euo pipefail
NETCANVAS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# clang with libFuzzer's runtime and OpenMP (Debian: clang, libclang-rt-14-dev, libomp-14-dev).
netcanvas_fuzz_available() {
    command -v clang++ >/dev/null 2>&1 || return 1
    local probe
    probe="$(mktemp -d)"
    printf '%s\n' '#include <omp.h>' \
        'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return omp_get_max_threads() < 0; }' \
        >"$probe/probe.cpp"
    local ok=0
    clang++ -fsanitize=fuzzer,address,undefined -fopenmp "$probe/probe.cpp" -o "$probe/probe" \
        >/dev/null 2>&1 || ok=1
    rm -rf "$probe"
    return $ok
}
# usage: scripts/fuzz.sh --available: exit 0 when clang links libFuzzer here (for test.sh).
if [ "${1:-}" = "--available" ]; then
    netcanvas_fuzz_available
    exit $?
fi
seconds="${1:-30}"
if [ $# -gt 0 ]; then shift; fi
if ! [[ "$seconds" =~ ^[0-9]+$ ]]; then
    echo "usage: scripts/fuzz.sh [SECONDS] [HARNESS...]" >&2
    exit 2
fi

build_dir="${NETCANVAS_FUZZ_BUILD_DIR:-build-fuzz}"
case "$build_dir" in
/*) ;;
*) build_dir="$NETCANVAS_ROOT/$build_dir" ;;
esac

if ! netcanvas_fuzz_available; then
    echo "error: clang++ with libFuzzer and OpenMP is needed: apt-get install clang libclang-rt-14-dev libomp-14-dev" >&2
    exit 2
fi

echo "== Configuring the fuzz build (clang, ASan+UBSan+libFuzzer) in $build_dir"
generator=()
if [ ! -f "$build_dir/CMakeCache.txt" ] && command -v ninja >/dev/null 2>&1; then
    generator=(-G Ninja)
fi
# -O1 with line tables: quick to build, fast enough to fuzz, readable stacks. Assertions stay
# on (no NDEBUG), so Eigen's index checks are findings too.
CC=clang CXX=clang++ cmake -S "$NETCANVAS_ROOT" -B "$build_dir" "${generator[@]}" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 \
    -DNETCANVAS_FUZZ=ON -DNETCANVAS_BUILD_GUI=OFF -DNETCANVAS_BUILD_TESTS=OFF >/dev/null
echo "== Building the fuzz harnesses"
cmake --build "$build_dir" --target fuzz_harnesses --parallel "$(nproc)"

harnesses=("$@")
if [ ${#harnesses[@]} -eq 0 ]; then
    mapfile -t harnesses <"$build_dir/tests/fuzz/harnesses.txt"
fi

# One thread per process: the loaders do not need more, and runs stay reproducible.
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=0:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

work="$build_dir/fuzz"
failed=()
for harness in "${harnesses[@]}"; do
    exe="$build_dir/tests/fuzz/$harness"
    seeds="$NETCANVAS_ROOT/tests/fuzz/corpus/$harness"
    if [ ! -x "$exe" ] || [ ! -d "$seeds" ]; then
        echo "error: unknown harness $harness (see tests/fuzz/CMakeLists.txt)" >&2
        exit 2
    fi
    # New inputs go to the working corpus in the build folder; the repository's seeds are
    # only read.
    mkdir -p "$work/corpus/$harness" "$work/crashes/$harness"
    log="$work/$harness.log"
    limit=(-max_total_time="$seconds")
    [ "$seconds" -eq 0 ] && limit=(-runs=0)
    echo "== $harness: ${seconds}s (log: $log)"
    marker="$work/crashes/$harness/.started"
    touch "$marker"
    rc=0
    # shellcheck disable=SC2086  # NETCANVAS_FUZZ_ARGS is a list of flags
    "$exe" "${limit[@]}" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$work/crashes/$harness/" ${NETCANVAS_FUZZ_ARGS:-} \
        "$work/corpus/$harness" "$seeds" >"$log" 2>&1 || rc=$?
    execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
    if [ "$rc" -eq 0 ]; then
        echo "   clean: ${execs:-?} inputs"
    else
        failed+=("$harness")
        echo "   FOUND A PROBLEM (exit $rc) after ${execs:-?} inputs; the input:"
        find "$work/crashes/$harness" -type f -newer "$marker" ! -name .started -printf '   %p\n'
        echo "   --- end of the log:"
        grep -v '^#[0-9]' "$log" | tail -40 | sed 's/^/   /'
    fi
done

total=${#harnesses[@]}
clean=$((total - ${#failed[@]}))
echo "fuzz: $((100 * clean / total))% harnesses clean, ${#failed[@]} failed out of $total (${seconds}s each)"
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz: failed: ${failed[*]} (docs/fuzzing.md: from a crash to a regression input)"
    exit 1
fi
