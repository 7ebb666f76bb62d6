#!/usr/bin/env bash
# Every GPU check of dfdetect in one command, for a lent CUDA machine whose Python already has torch, timm and the
# scientific stack (the rest travels as wheels, installed first; see the README's "On a GPU"):
#   bash benchmarks/gpu_check.sh OUTDIR [SITE...]      # SITE: folders of installed packages to put on PYTHONPATH
#   STEPS='env speed' bash benchmarks/gpu_check.sh ...  # only some steps
# Steps, each with its own time limit, all logged to OUTDIR/gpu_check.log (the summary lines are also printed):
#   env        the GPU, the driver, the versions, and the device dfdetect resolves to ('auto' must be cuda:0)
#   notebooks  nbdev-test --flags cuda on the notebooks with `#| cuda` cells (NVDEC vs CPU frames, MTCNN fp16 vs CPU, GPU shrink,
#              fastai training at 224 px with AMP and channels-last, TorchScript/ONNX export on CUDA, prediction)
#   train      dfdetect-extract then dfdetect-train on CUDA ('auto'), one epoch of the sample (the path that crashed before issue 11)
#   speed      benchmarks/gpu_speed.py: MTCNN frames/s, decoding on NVDEC vs the CPU, training and inference images/s,
#              seconds per 1080p video
set -u
out=${1:?OUTDIR}; shift; mkdir -p "$out"; log=$out/gpu_check.log; : >"$log"
site=$(IFS=:; echo "$*")
export PYTHONPATH="${site:+$site:}$PWD" PATH="${site:+${site//://bin:}/bin:}$PATH"
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-3} MPLBACKEND=Agg PYTHONUNBUFFERED=1 DFDETECT_CACHE=${DFDETECT_CACHE:-/tmp/dfdetect-gpu-cache}
unset CI  # ../shared/realdata does not travel to a lent machine: the tests that need it skip there, as on a user's clone
steps=" ${STEPS:-env notebooks train speed} "  # STEPS="env speed": only those
step() {  # name, seconds, command...
  local name=$1 t=$2; shift 2; local s=$SECONDS
  [[ $steps == *" $name "* ]] || return 0
  echo "=== $name: start $(date -u +%T)" >>"$log"
  timeout "$t" "$@" >>"$log" 2>&1; local rc=$?
  echo "=== $name: rc $rc, $((SECONDS - s)) s" | tee -a "$log"
}
step env 120 bash -c 'nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.sm,clocks.max.sm --format=csv
  python3 -c "import sys, torch, timm, fastai, av, numpy, pandas
print(sys.version.split()[0], \"torch\", torch.__version__, \"cuda\", torch.version.cuda, \"cudnn\", torch.backends.cudnn.version(),
      \"timm\", timm.__version__, \"fastai\", fastai.__version__, \"av\", av.__version__, \"numpy\", numpy.__version__, \"pandas\", pandas.__version__)
from dfdetect.core import get_device, device_summary
d = get_device(\"auto\"); print(\"auto ->\", device_summary(d)); assert str(d) == \"cuda:0\", d"'
nbs() {  # one nbdev-test per notebook, all at once (nbdev-test's own workers take a folder, not a list)
  local pids=() rc=0 nb
  for nb in 01_video 02_detect 05_extract 07e_loaders 08_train 11_export 12_predict; do
    nbdev-test "nbs/$nb.ipynb" --flags cuda --timing --verbose >"$out/nb_$nb.log" 2>&1 & pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  for nb in 01_video 02_detect 05_extract 07e_loaders 08_train 11_export 12_predict; do echo "--- $nb"; tail -n 3 "$out/nb_$nb.log"; done
  return $rc
}
export out; export -f nbs
step notebooks 300 bash -c nbs
step train 150 bash -c 'python3 -m dfdetect.extract_ray --run-dir /tmp/gpu-train --quiet &&  # training reads the faces extraction made
  python3 -m dfdetect.train --run-dir /tmp/gpu-train --epochs 1 --archs tf_efficientnet_lite0 --folds 0'
step speed 240 python3 benchmarks/gpu_speed.py --device cuda --out "$out/gpu_speed.csv"
grep -E '^=== |images/s|frames/s|s/video|Device|cuda:0|Tests|Success|failed|Error|error' "$log" | tail -n 80
