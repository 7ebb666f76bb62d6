#!/usr/bin/env bash
# Issue 24's device job: the data path at the GPU's speed, measured in one call on a lent GPU.
#   bash benchmarks/gpu_data_path.sh --prep   # here: the wheels the device's Python lacks into the git-ignored .whl
#   bash benchmarks/gpu_data_path.sh OUT      # on a lent GPU: the device tool's run, carry [".whl"],
#                                             #   command "bash benchmarks/gpu_data_path.sh $OUT", timeout_s 540
# Steps, each with its own time limit, logged to OUT/gpu_data_path.log:
#   same   the batch path's pixels on the GPU (nvJPEG) against the CPU's (libjpeg-turbo), on the sample's crops
#   speed  benchmarks/gpu_speed.py --skip mtcnn: 32 frames of a 1080p clip decoded by NVDEC against the CPU (`video.gpu_decoder`);
#          training and inference images/s through fastai's path ('pil') and the
#          batch path against the network alone (Lite0 and ResNet34), and seconds per 1080p video, decoded on the GPU
#          and on the CPU, in this one command
# ARCHS overrides the backbones (default tf_efficientnet_lite0,resnet34).
set -uo pipefail
source benchmarks/device_wheels.sh
if [[ ${1:-} == --prep ]]; then wheels_download .whl; du -sh .whl; exit 0; fi
out=${1:?usage: gpu_data_path.sh OUT | --prep}; mkdir -p "$out"; log=$out/gpu_data_path.log; : >"$log"
[[ -d ${WHEELS-.whl} ]] && wheels_install "${WHEELS-.whl}"
export MPLBACKEND=Agg PYTHONUNBUFFERED=1 DFDETECT_CACHE=${DFDETECT_CACHE:-/tmp/dfdetect-gpu-cache} OMP_NUM_THREADS=${OMP_NUM_THREADS:-3}
unset CI
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | tee -a "$log"
step() { local name=$1 t=$2; shift 2; local s=$SECONDS; echo "=== $name: start" >>"$log"
  timeout "$t" "$@" >>"$log" 2>&1; echo "=== $name: rc $?, $((SECONDS - s)) s" | tee -a "$log"; }
step same 150 python3 - <<'PY'
import torch
from dfdetect.ensure import ensure_faces
from dfdetect.core import get_run_dir
from dfdetect.train import training_crops
from dfdetect.loaders import JPEGBatch, DecodeJPEG, read_jpeg
ensure_faces()
paths = training_crops().path.tolist()
files = [read_jpeg(p) for p in paths]
for size in (128, 224):
    cpu = DecodeJPEG(size)(JPEGBatch(files, 'cpu'))
    gpu = DecodeJPEG(size)(JPEGBatch(files, 'cuda')).cpu()
    d = ((gpu - cpu).abs()*255).as_subclass(torch.Tensor)
    print(f'same: nvJPEG vs libjpeg-turbo, {len(files)} crops squished to {size}: largest difference {d.max():.2f} levels, mean {d.mean():.3f}')
PY
step speed 330 python3 benchmarks/gpu_speed.py --device cuda --skip mtcnn --archs "${ARCHS:-tf_efficientnet_lite0,resnet34}" --out "$out/gpu_speed.csv"
grep -E '^=== |^same:|images/s|s/video|of the network alone|Error|error' "$log" | tail -n 60
