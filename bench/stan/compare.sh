#!/usr/bin/env bash
# Ppl's NUTS against Stan's, side by side on this machine with the same models, data and settings.
# 1. compiles the three Stan models (timed: Stan's one-off C++ compile, reported separately);
# 2. runs `dotnet run -c Release --project bench/Ppl.Bench -- nuts`, which also exports its data as JSON;
# 3. samples the Stan models on that data (bench/stan/compare.R) and prints ESS per second for both and
#    the ratio Ppl / Stan per model. Steps 2 and 3 run back to back so both see the same machine load.
# Last line: a JSON object with "ratio" per model.
# Needs R with rstan and jsonlite (Debian: apt-get install -y r-cran-rstan r-cran-jsonlite).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
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
dotnet run -c Release --no-build --project bench/Ppl.Bench -- nuts --export-data "$work" | tee "$work/ppl.txt"
tail -n 1 "$work/ppl.txt" > "$work/ppl.json"
echo
Rscript bench/stan/compare.R sample "$work" "$work/ppl.json"
