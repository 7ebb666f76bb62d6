"""The training loader's CPU work per image, fastai's path against the batch path (`07e_loaders`), in one command.

On a GPU machine the loader's workers do the CPU part of every batch; the GPU waits when they are slower than the
network. This measures that part on one CPU core (`torch.set_num_threads(1)`, no worker processes), in images/s per
core, so a developer without a GPU can see what a lent one would get from its cores:

- pil:   what fastai's workers do per crop (`ImageBlock`): read the file, decode it (Pillow's libjpeg-turbo), squish it
         to `img_size`, make a tensor, and collate the batch;
- batch: what the batch path's workers do (`loaders.JPEGBlock`): read the file's bytes, and batch them;
- batch + CPU decode: the batch path with its decoding (`loaders.DecodeJPEG`) on this CPU as well: what a machine
         without a GPU decoder would pay.

The crops are the sample's, re-encoded at 224 px and JPEG quality 95 as the DFDC run's crops are (224 px, the
extraction's default size), repeated to `--n` items. Paths run interleaved `--repeats` times; the best of each is
reported, with its ratio to fastai's path.

    python benchmarks/loader_speed.py [--n 1024] [--repeats 3] [--img-size 224]
"""
from __future__ import annotations
import argparse, time
import numpy as np, pandas as pd, torch

def crops_224(n:int, size:int=224):
    "The sample's training crops as `size`-px JPEG files (quality 95), repeated to `n` rows"
    from PIL import Image
    from dfdetect.core import scratch_dir
    from dfdetect.ensure import ensure_faces
    from dfdetect.train import training_crops
    ensure_faces()
    base = training_crops(); base = base[base.fold != -1].reset_index(drop=True)
    tmp = scratch_dir()
    for i, p in enumerate(base.path):
        Image.open(p).convert('RGB').resize((size, size), Image.BICUBIC).save(tmp/f'{i}.jpg', quality=95)
    base['path'] = [str(tmp/f'{i}.jpg') for i in range(len(base))]
    return pd.concat([base] * -(-n // len(base)), ignore_index=True).iloc[:n]

def worker_rate(dl, with_decode:bool=False) -> float:
    "Images/s of what the loader's workers do (fastai's `create_batches`), plus the batch transforms when `with_decode`"
    t = time.perf_counter(); n = 0
    for b in dl.create_batches(dl.get_idxs()):
        x = dl.after_batch[0](b[0]) if with_decode else b[0]   # after_batch[0]: `DecodeJPEG` on the batch path
        n += len(x)
    return n / (time.perf_counter() - t)

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--n', type=int, default=1024); ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--img-size', type=int, default=224); ap.add_argument('--bs', type=int, default=128)
    a = ap.parse_args()
    torch.set_num_threads(1)
    from dfdetect.hparams import TrainParams
    from dfdetect.train import make_dls
    from dfdetect.loaders import DecodeJPEG
    crops = crops_224(a.n)
    dls = {d: make_dls(crops, None, TrainParams.from_dict(dict(arch='tf_efficientnet_lite0', img_size=a.img_size, bs=a.bs,
                                                                decode=d, num_workers=0)), 'cpu').train for d in ('pil', 'batch')}
    assert isinstance(dls['batch'].after_batch[0], DecodeJPEG)
    runs = {'pil': lambda: worker_rate(dls['pil']), 'batch': lambda: worker_rate(dls['batch']),
            'batch + CPU decode': lambda: worker_rate(dls['batch'], True)}
    for f in runs.values(): f()  # warm-up: file cache, allocator
    best = {k: 0. for k in runs}
    for _ in range(a.repeats):
        for k, f in runs.items(): best[k] = max(best[k], f())
    df = pd.DataFrame(dict(path=list(best), images_per_s_per_core=[round(v) for v in best.values()],
                           vs_pil=[round(v / best['pil'], 2) for v in best.values()]))
    print(f'{a.n} crops of {a.img_size} px (JPEG q95), batches of {a.bs}, one CPU core, best of {a.repeats}:')
    print(df.to_string(index=False))

if __name__ == '__main__': main()
