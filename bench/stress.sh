#!/usr/bin/env bash
# Stress run for nondeterministic native failures: runs the tensor-heavy test classes of
# tests/Ppl.Inference.Tests again and again, several test processes side by side, beside CPU-bound load
# processes, with forced garbage collections inside each test process (PPL_STRESS_GC_MS: a thread there calls
# GC.Collect + GC.WaitForPendingFinalizers every that many ms; tests/Ppl.Inference.Tests/StressGc.cs).
# A TorchSharp Scalar freed by its finalizer while libtorch still reads it (see src/Ppl/Numerics/TensorArithmetic.cs)
# shows up here as "Expected false to be true … Scalar.h", "Unknown scalar type", an INTERNAL ASSERT in Scalar.h,
# a wrong number or a crashed test host.
#
#   bash bench/stress.sh [rounds] [parallel] [load]
#     rounds    rounds to run (default 5)
#     parallel  test processes per round, run side by side (default 2)
#     load      CPU-bound `while :; do :; done` processes beside them (default 1)
#   PPL_STRESS_GC_MS    forced-collection interval in ms (default 5)
#   PPL_STRESS_FILTER   dotnet test --filter (default: the Batched, Variational, Brain and Amortized classes)
#   PPL_STRESS_LOGS     folder for each run's log (default: a new folder under /tmp)
#
# Prints one line per test process and a summary; exit status 0 when every run passed. Logs of failed runs are
# kept, with the native error lines they contain listed in the summary.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
rounds="${1:-5}"
parallel="${2:-2}"
load="${3:-1}"
export PPL_STRESS_GC_MS="${PPL_STRESS_GC_MS:-5}"
filter="${PPL_STRESS_FILTER:-FullyQualifiedName~.Batched.|FullyQualifiedName~.Variational.|FullyQualifiedName~.Brain.|FullyQualifiedName~.Amortized.}"
logs="${PPL_STRESS_LOGS:-$(mktemp -d /tmp/ppl-stress.XXXXXX)}"
mkdir -p "$logs"
project=tests/Ppl.Inference.Tests/Ppl.Inference.Tests.csproj

echo "== build"
dotnet build "$project" -v q -nologo || exit 2

loaders=()
stop_load() {
  for pid in "${loaders[@]}"; do kill "$pid" 2>/dev/null; done
  loaders=()
}
trap stop_load EXIT
for ((i = 0; i < load; i++)); do
  bash -c 'while :; do :; done' &
  loaders+=("$!")
done

echo "== $rounds rounds x $parallel test processes, $load load process(es), GC every ${PPL_STRESS_GC_MS} ms; logs in $logs"
signature='Scalar\.h|Unknown scalar type|INTERNAL ASSERT|Expected false to be true|Test host process crashed|SIGSEGV|Segmentation fault|double free|corrupted'
runs=0
failed=0
start=$(date +%s)
for ((r = 1; r <= rounds; r++)); do
  pids=()
  for ((p = 1; p <= parallel; p++)); do
    log="$logs/round$r-run$p.log"
    dotnet test "$project" --no-build --nologo --filter "$filter" >"$log" 2>&1 &
    pids+=("$!")
  done
  for ((p = 1; p <= parallel; p++)); do
    status=0
    wait "${pids[$((p - 1))]}" || status=$?
    log="$logs/round$r-run$p.log"
    runs=$((runs + 1))
    summary=$(grep -E '^(Passed|Failed)!' "$log" | tail -1)
    if [ "$status" -ne 0 ] || grep -qE "$signature" "$log"; then
      failed=$((failed + 1))
      echo "round $r run $p: FAILED (exit $status) ${summary:-no summary}"
      grep -E '^\s+Failed [A-Za-z]' "$log" | sed 's/^/    /' | head -20
      grep -oE "$signature[^|]{0,100}" "$log" | sort | uniq -c | sed 's/^/    /' | head -10
    else
      echo "round $r run $p: ok  ${summary}"
      rm -f "$log"
    fi
  done
done
stop_load
elapsed=$(( $(date +%s) - start ))
echo "== stress: $runs test runs in ${elapsed} s, $failed failed"
echo "$((runs - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
