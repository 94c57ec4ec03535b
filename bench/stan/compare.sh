#!/usr/bin/env bash
# Ppl's NUTS against Stan's, side by side on this machine with the same models, data and settings.
# Runs `dotnet run -c Release --project bench/Ppl.Bench -- nuts` (which exports its data as JSON), then
# fits the same models with rstan (bench/stan/compare.R) and prints ESS per second for both and the ratio
# Ppl / Stan per model; Stan's C++ compile time is reported separately. Last line: a JSON object.
# Needs R with rstan and jsonlite (Debian: apt-get install -y r-cran-rstan r-cran-jsonlite).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$root"
dotnet run -c Release --project bench/Ppl.Bench -- nuts --export-data "$work" | tee "$work/ppl.txt"
tail -n 1 "$work/ppl.txt" > "$work/ppl.json"
echo
Rscript bench/stan/compare.R "$work" "$work/ppl.json"
