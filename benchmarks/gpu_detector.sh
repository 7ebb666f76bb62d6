#!/usr/bin/env bash
# The detector job (issue 21, configs/detector_gpu.yaml): three EfficientNet-Lite0 models (fakes sbi, real, both)
# trained with the SBI recipe (paired batches, after-blend augmentations with JPEG 40-100, SAM) on the training
# identities of ../shared/realdata, scored after every epoch on SBI's own task, held-out FaceForensics++ identities and
# each data set never trained on (Celeb-DF-v2, DeeperForensics-1.0, DFDC), intervals over identity groups, paired
# differences; then each model exported (safetensors + ONNX, parity-checked).
#   bash benchmarks/gpu_detector.sh --prep        # here, on the CPU, beside ../shared: crops into .device/realdata
#                                                 #   (16 frames, 224 px, re-encoded at JPEG 85 to fit), wheels into .whl
#   bash benchmarks/gpu_detector.sh OUT           # on a lent GPU: the device tool's run, carry [".device", ".whl"],
#                                                 #   command "bash benchmarks/gpu_detector.sh $OUT", timeout_s 560
#   bash benchmarks/gpu_detector.sh OUT --smoke   # the same path tiny on the CPU, on the bundled sample (15_how_far runs it)
# Knobs (environment): MAX_MINUTES per model's training (default 2.0: three models in one 10-minute call),
# MODES (sbi,real,both), INPUT_MODES (e.g. y,rgb+y: more models on INPUT_FAKES, default sbi), KNOBS (training knobs over
# the config's: "epochs=20 sam_rho=0"), WHEELS (default .whl; empty: a dry run of the real path on this machine's Python,
# e.g. MODES=sbi KNOBS="epochs=0 num_workers=0" MAX_MINUTES=0.1 WHEELS= ... on a CPU).
# Writes OUT/curves.csv, OUT/scores.parquet (numbers and clip names only), OUT/gpu_detector.log and, not copied back
# (three folders down), OUT/export/<model>/. Nothing of the clips or the models enters the repository.
set -euo pipefail
py=${PYTHON:-python3}   # the Python that has dfdetect (15_how_far passes its own)
cfg=configs/detector_gpu.yaml
source benchmarks/device_wheels.sh   # whl_pkgs, wheels_download, wheels_install
if [[ ${1:-} == --prep ]]; then
  t0=$SECONDS
  dfdetect-run --config $cfg --run-dir runs/detector_gpu --stages data,extract,splits
  "$py" - <<'PY'
import json, shutil, cv2
from pathlib import Path
src, dst = Path('runs/detector_gpu'), Path('.device/realdata')
if dst.exists(): shutil.rmtree(dst)
(dst/'faces').mkdir(parents=True)
for f in ['faces/index.parquet', 'faces/params.json', 'splits.parquet', 'videos.parquet']: shutil.copy2(src/f, dst/f)
import pandas as pd
idx = pd.read_parquet(src/'faces/index.parquet')
for c in idx.crop:  # re-encoded at JPEG 85: 16 frames of every clip fit the device's 64 MiB with the wheels
    out = dst/'faces'/c; out.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(out), cv2.imread(str(src/'faces'/c)), [cv2.IMWRITE_JPEG_QUALITY, 85])
print(f'{len(idx)} crops of {idx.video.nunique()} clips -> {dst}')
PY
  wheels_download .whl
  du -sh .device .whl; git ls-files -z | du -ch --files0-from=- | tail -1 | sed 's/total/tracked files/'
  echo "prep: $((SECONDS - t0)) s; the device carries the tracked files, .device and .whl (at most 64 MiB in all)"
  exit 0
fi
out=${1:?usage: gpu_detector.sh OUT [--smoke] | --prep}; smoke=${2:-}
mkdir -p "$out"; t0=$SECONDS
export MPLBACKEND=Agg PYTHONUNBUFFERED=1 DFDETECT_PROGRESS=lines
if [[ -z $smoke ]]; then
  run=.device/realdata
  [[ -f $run/faces/index.parquet ]] || { echo "$run: no crops (run 'bash benchmarks/gpu_detector.sh --prep' beside ../shared first, and carry .device)"; exit 2; }
  whl=${WHEELS-.whl}   # WHEELS= (empty): use this Python's packages (a dry run on a CPU)
  if [[ -n $whl && -d $whl ]]; then
    wheels_install "$whl"
  fi
  nvidia-smi --query-gpu=name,memory.total --format=csv,noheader || true
  args=(--device auto --max-minutes "${MAX_MINUTES:-2.0}" --unseen Celeb-DF-v2,DeeperForensics-1.0,DFDC)
else
  run=$("$py" -c "from dfdetect.ensure import ensure_faces; from dfdetect.core import get_run_dir; ensure_faces(); print(get_run_dir())")  # the sample run's faces
  args=(--device cpu --smoke --unseen '')   # the sample is one data set: nothing is left unseen
fi
"$py" benchmarks/how_far.py --run-dir "$run" --params $cfg --out "$out" --modes "${MODES:-sbi,real,both}" \
  --focus FaceForensics++ --heldout-folds=-1,0 --export "${args[@]}" \
  ${KNOBS:+--knobs "$KNOBS"} ${INPUT_MODES:+--input-modes $INPUT_MODES --input-fakes ${INPUT_FAKES:-sbi}} 2>&1 | tee "$out/gpu_detector.log"
echo "gpu_detector: $((SECONDS - t0)) s in all${smoke:+ (smoke: a check that the path runs, not a measurement)}" | tee -a "$out/gpu_detector.log"
