#!/usr/bin/env bash
# The conformance suite's larger SBC run: a shorthand for the bench command
#   dotnet run -c Release --project bench/Ppl.Bench -- conformance [filter]
# which runs every model of tests/Shared/Conformance under NUTS at SbcSize.Bench (200 replicates, 300 warm-up
# iterations, 19 draws thinned by 4, 10 rank bins) instead of the CI size that `dotnet test` runs. Last line JSON:
#   {"benchmark":"conformance","passed":bool,"models":{name:{"min_p":…,"p":{quantity:…},"divergences":…,"seconds":…}}}
# Usage: bash bench/conformance.sh [filter]   (filter: part of a model name, e.g. lotka-volterra; default every model)
set -euo pipefail
cd "$(dirname "$0")/.."
exec dotnet run -c Release --project bench/Ppl.Bench -- conformance "$@"
