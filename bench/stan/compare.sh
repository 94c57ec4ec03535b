#!/usr/bin/env bash
# Ppl's NUTS on the [Model] methods against Stan's, side by side on this machine with the same models, data
# and settings.
# 1. compiles the three Stan models (timed: Stan's one-off C++ compile, reported separately);
# 2. runs REPS repetitions (default 10), each with its own seed: one run of
#    `dotnet run -c Release --project bench/Ppl.Bench -- nuts --samplers-only --seed K` (the three [Model]
#    methods' generated forms, and the hand-written densities unless HANDWRITTEN=0) and one run of the
#    three Stan models (bench/stan/compare.R sample) with the same seed, alternating which goes first so
#    that neither side always runs at the same point of the machine's load;
#    Eight schools samples for tens of milliseconds: each repetition pools 10 runs of it on each side (and 3 of the logistic regression, 2 of the hierarchical model)
#    (RUNS, default eight_schools=10,logistic_regression=3,hierarchical=2; seeds K, K + 1000, ...), i.e. one run that many times as long;
# 3. prints per model the median ESS per CPU second of each side, the median of the paired ratios
#    Ppl/Stan with their range, and the median leapfrog-rate ratio (bench/stan/compare.R summary).
# Both sides time sampling in CPU time (rstan 2.21's clock(); Ppl's sampling thread), not wall time: on a
# shared machine the wall time depends on what else runs, the CPU time much less.
# Last line: a JSON object with "ratio" (the median) per model.
# Needs R with rstan and jsonlite (Debian: apt-get install -y r-cran-rstan r-cran-jsonlite).
# Environment: REPS (repetitions, default 10; at least 10 for two runs of the script to agree within a tenth), SEED (first seed, default 1), RUNS (runs pooled per
# repetition, e.g. eight_schools=10,hierarchical=2), HANDWRITTEN=0 (skip the hand-written densities),
# STAN_WORK=DIR (keeps the compiled models there between runs).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
# One repetition's ratio moves by 10–15% on this 2-core machine (timing and the smallest bulk ESS both vary): with 5
# repetitions two runs of the script gave medians 14% apart, so the default is 10 (the median's spread shrinks by √2).
reps="${REPS:-10}"
seed0="${SEED:-1}"
# Each model pools about a second of sampling per side: with one run per repetition, the logistic regression's ratio
# moved by a fifth between two runs of this script (2.00 and 2.43).
runs="${RUNS-eight_schools=10,logistic_regression=3,hierarchical=2}"
# Debian's r-cran-bh ships Boost in /usr/include but rstan looks for it in BH's own include folder.
bh="$(Rscript -e 'cat(system.file(package = "BH"))')"
if [ -n "$bh" ] && [ ! -e "$bh/include/boost" ] && [ -d /usr/include/boost ]; then
  echo "rstan needs Boost under $bh/include; linking /usr/include/boost there (needs write access)."
  mkdir -p "$bh/include" && ln -s /usr/include/boost "$bh/include/boost"
fi
# STAN_WORK=DIR keeps the compiled models there between runs (the compile is then not repeated).
if [ -n "${STAN_WORK:-}" ]; then
  work="$STAN_WORK"; mkdir -p "$work"
else
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
fi
cd "$root"
Rscript bench/stan/compare.R compile "$work"
dotnet build -c Release bench/Ppl.Bench > /dev/null
flags=(--samplers-only --runs "$runs")
if [ "${HANDWRITTEN:-1}" = "0" ]; then flags+=(--generated-only); fi
rm -rf "$work/reps"; mkdir -p "$work/reps"
ppl() {
  dotnet run -c Release --no-build --project bench/Ppl.Bench -- nuts "${flags[@]}" --seed "$1" --export-data "$work" | tee "$work/reps/ppl-$2.txt"
  tail -n 1 "$work/reps/ppl-$2.txt" > "$work/reps/ppl-$2.json"
}
stan() {
  Rscript bench/stan/compare.R sample "$work" "$1" "$work/reps/stan-$2.json" "$runs"
}
# The data files come from the Ppl benchmark (--export-data): the first repetition runs Ppl first.
for k in $(seq 1 "$reps"); do
  s=$((seed0 + k - 1))
  echo; echo "== repetition $k of $reps (seed $s) =="
  if [ $((k % 2)) -eq 1 ]; then ppl "$s" "$k"; stan "$s" "$k"; else stan "$s" "$k"; ppl "$s" "$k"; fi
done
Rscript bench/stan/compare.R summary "$work"
