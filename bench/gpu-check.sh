#!/usr/bin/env bash
# Runs the batched tensor paths (importance sampling, SMC, many-chain HMC) and prints their timings.
#
#   bench/gpu-check.sh          CUDA where a GPU and a CUDA libtorch are present, else the CPU fallback
#   bench/gpu-check.sh --cpu    the CPU fallback only (small sizes; what CI-like machines run)
#
# CUDA needs the NuGet package libtorch-cuda-12.8-linux-x64 (version PPL_LIBTORCH_CUDA_VERSION, default
# 2.10.0, matching TorchSharp 0.107.0) from a feed that serves it; this project's registry does not, so
# without it the script says so and runs on the CPU. Exit status: 0 when the run it chose succeeded.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bench=bench/Ppl.Bench
version="${PPL_LIBTORCH_CUDA_VERSION:-2.10.0}"

cpu_run() {
  echo "== CPU fallback: build and run the batched benchmark at small sizes"
  dotnet build -c Release "$bench" -v q -nologo || return 1
  dotnet run -c Release --no-build --project "$bench" -- batched --quick --threads "${PPL_TORCH_THREADS:-1}"
}

if [ "${1:-}" != "--cpu" ] && command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then
  echo "== GPU: $(nvidia-smi -L | head -n 1)"
  out="$root/bench/Ppl.Bench/bin/cuda"
  if dotnet build -c Release "$bench" -v q -nologo -p:PplLibTorchCuda="$version" -o "$out"; then
    status=0
    for dtype in float32 float64; do
      echo "== CUDA, $dtype"
      dotnet "$out/Ppl.Bench.dll" batched --device cuda --dtype "$dtype" \
        --is 100,10000,100000,1000000 --smc 100,10000,100000,1000000 --chains 1,64,1024,4096,16384 --ess-chains 4096 || status=$?
    done
    echo "== CPU, float64, same sizes for comparison (one torch thread)"
    dotnet "$out/Ppl.Bench.dll" batched --device cpu --is 100,10000,100000 --smc 100,10000 --chains 1,64,1024 --ess-chains 1024 || status=$?
    exit $status
  fi
  echo "== no CUDA libtorch (libtorch-cuda-12.8-linux-x64 $version could not be restored): CPU fallback"
else
  echo "== no GPU (or --cpu): CPU fallback"
fi
cpu_run
