#!/usr/bin/env bash
# The conformance suite's larger SBC run: every model of tests/Ppl.Inference.Tests/Conformance under NUTS at
# SbcSize.Bench (200 replicates, 300 warm-up iterations, 19 draws thinned by 4, 10 rank bins) instead of the CI size
# that `dotnet test` runs. Release build. Last line JSON:
#   {"benchmark":"conformance","passed":bool,"models":{name:{"min_p":…,"p":{quantity:…},"divergences":…,"seconds":…}}}
# Usage: bash bench/conformance.sh [filter]   (filter: a model name, e.g. lotka-volterra; default every model)
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
filter="FullyQualifiedName~Conformance.ConformanceSbcTests.NutsIsCalibrated"
if [ $# -gt 0 ]; then filter="$filter&DisplayName~$1"; fi
status=0
PPL_CONFORMANCE=bench PPL_CONFORMANCE_OUT="$out" dotnet test tests/Ppl.Inference.Tests -c Release --filter "$filter" \
  --logger "console;verbosity=normal" || status=$?
python3 - "$out" "$status" <<'PY'
import json, sys
models = {}
for line in open(sys.argv[1]):
    if line.strip():
        r = json.loads(line)
        models[r.pop("model")] = r
print(json.dumps({"benchmark": "conformance", "passed": sys.argv[2] == "0", "models": models}))
PY
exit "$status"
