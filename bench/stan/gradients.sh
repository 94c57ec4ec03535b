#!/usr/bin/env bash
# Ppl's cost per gradient against Stan's on the same models and data, back to back on this machine:
#   1. `dotnet run -c Release --project bench/Ppl.Bench -- gradients --export-data DIR` times the [Model] methods of
#      bench/Ppl.Bench/GradientBenchModels.cs (their generated differentiable forms) and writes each model's data, an
#      unconstrained point and Ppl's log density and gradient there;
#   2. `Rscript bench/stan/gradients.R DIR` compiles the same models in Stan (normal_glm.stan, approximate_gp.stan,
#      lotka_volterra.stan;
#      compile time reported apart), checks that Stan's log density and gradient at that point equal Ppl's, and times
#      Stan's grad_log_prob with the R call's own overhead subtracted.
# Both sides report the fastest of 15 batches of repeated calls. Last line: JSON
# {"benchmark":"gradients","ppl_ns":{…},"stan_ns":{…},"ratio_to_stan":{model: Ppl time / Stan time}}.
# Needs R with rstan and jsonlite (Debian: apt-get install -y r-cran-rstan r-cran-jsonlite). STAN_WORK=DIR keeps the
# compiled models between runs.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
work="${STAN_WORK:-$(mktemp -d)}"
mkdir -p "$work"
cd "$root"
dotnet build -c Release bench/Ppl.Bench -v q -nologo >/dev/null
dotnet run -c Release --no-build --project bench/Ppl.Bench -- gradients --export-data "$work" | tee "$work/ppl.log"
tail -n 1 "$work/ppl.log" > "$work/ppl.json"
Rscript bench/stan/gradients.R "$work" "$work/stan.json"
python3 - "$work/ppl.json" "$work/stan.json" <<'PY'
import json, sys
ppl = json.load(open(sys.argv[1]))["gradient_ns"]
stan = json.load(open(sys.argv[2]))["gradient_ns"]
ratio = {m: round(ppl[m] / stan[m], 3) for m in ppl if m in stan}
for m, r in ratio.items():
    print(f"{m}: Ppl {ppl[m] / 1e3:.1f} us, Stan {stan[m] / 1e3:.1f} us per gradient, ratio {r}")
print(json.dumps({"benchmark": "gradients", "ppl_ns": ppl, "stan_ns": stan, "ratio_to_stan": ratio}))
PY
