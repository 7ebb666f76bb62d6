"""Overhead of dfdetect's training against a plain fastai loop, side by side in one process.

Both train the same timm backbone on the same crops (the sample run's, made when missing), for the same epochs, with
the same batch size, image size (squish), aug_transforms and one-cycle schedule:

- dfdetect: `dfdetect.train.train_model` (DataBlock + TimmBody/head model + BinaryLoss + metrics + SaveModelCallback +
  CSVLogger; then the model folder, the validation predictions and metrics.json);
- plain:    `vision_learner(dls, arch, n_out=1, loss_func=BCEWithLogitsLossFlat())` + `fit_one_cycle`, validation
  loss only, nothing saved.

Wall time and process CPU time (all threads) are both reported: on a shared machine the CPU time is the steadier.

Runs are interleaved (dfdetect, plain, plain, dfdetect...) so that load from other processes hits both alike, and
the median of the repeats is reported, with the ratio dfdetect / plain (about 1.0 means no overhead).

    python benchmarks/train_overhead.py                       # resnet18, 2 epochs, 64 px, CPU
    python benchmarks/train_overhead.py --img-size 224 --epochs 3 --device cuda --arch tf_efficientnet_lite0
"""
import time, tempfile, statistics
from pathlib import Path
import numpy as np, torch
from fastcore.script import call_parse


def plain_fastai(train, valid, arch, epochs, img_size, bs, lr, device, pretrained):
    "The textbook fastai loop on the same crops"
    import pandas as pd
    from fastai.vision.all import (DataBlock, ImageBlock, RegressionBlock, ColReader, ColSplitter, Resize, aug_transforms,
                                   Normalize, imagenet_stats, vision_learner, BCEWithLogitsLossFlat, RocAucBinary)
    df = pd.concat([train.assign(is_valid=False), valid.assign(is_valid=True)], ignore_index=True)
    df['y'] = (df.label == 'FAKE').astype('float32')
    db = DataBlock(blocks=(ImageBlock, RegressionBlock(n_out=1)), get_x=ColReader('path'), get_y=ColReader('y'),
                   splitter=ColSplitter('is_valid'), item_tfms=Resize(img_size, method='squish'),
                   batch_tfms=[*aug_transforms(max_warp=0.1), Normalize.from_stats(*imagenet_stats)])
    dls = db.dataloaders(df, bs=bs, num_workers=0 if device == 'cpu' else 8, device=device)
    learn = vision_learner(dls, arch, pretrained=pretrained, n_out=1, loss_func=BCEWithLogitsLossFlat(), ps=0.25)
    if device != 'cpu': learn.to_fp16()
    with learn.no_bar(): learn.fit_one_cycle(epochs, slice(lr / 10, lr))
    return learn


@call_parse
def main(run_dir:str=None, # run folder with faces/ and splits.parquet (default: the sample run)
         arch:str='resnet18', # timm backbone
         pretrained:bool=False, # ImageNet weights (must be available offline for both)
         epochs:int=2, # epochs per run
         img_size:int=64, # crop side
         bs:int=32, # batch size
         repeats:int=3, # runs of each, interleaved
         device:str='cpu', # 'cpu' or 'cuda'
         threads:int=None, # torch CPU threads (default torch's)
        ):
    "Time dfdetect's train_model against a plain fastai vision_learner loop"
    from dfdetect.train import training_crops, train_model
    from dfdetect.hparams import model_specs
    from fastai.learner import defaults
    from fastai.callback.progress import ProgressCallback
    defaults.callbacks = [c for c in defaults.callbacks if c is not ProgressCallback]  # no progress bars, for both
    if threads: torch.set_num_threads(threads)
    crops = training_crops(run_dir)
    train, valid = crops[~crops.fold.isin([0, -1])], crops[crops.fold == 0]
    hp = model_specs([{'arch': arch, 'pretrained': pretrained}],
                     dict(img_size=img_size, bs=bs, epochs=epochs, freeze_epochs=0, lr=2e-3, ps=0.25, num_workers=None))[0]
    print(f'{arch} (pretrained={pretrained}), {len(train)} train / {len(valid)} valid crops, {epochs} epochs, '
          f'{img_size} px, bs {bs}, {device}, torch threads {torch.get_num_threads()}')
    wall, cpu = {'dfdetect': [], 'plain': []}, {'dfdetect': [], 'plain': []}
    def timed(key, fn):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        if device != 'cpu': torch.cuda.synchronize()
        wall[key].append(time.perf_counter() - t0); cpu[key].append(time.process_time() - c0)
        return out
    def run_dfdetect():
        with tempfile.TemporaryDirectory() as d:
            return timed('dfdetect', lambda: train_model(train, valid, hp, Path(d)/'m', device=device, fold=0, force=True))
    run_plain = lambda: timed('plain', lambda: plain_fastai(train, valid, arch, epochs, img_size, bs, 2e-3, device, pretrained))
    for r in range(repeats):  # order ABBA, BAAB...: drifting load from other processes hits both alike
        if r % 2 == 0: res = run_dfdetect(); run_plain()
        else: run_plain(); res = run_dfdetect()
        print(f"  repeat {r}: dfdetect {wall['dfdetect'][-1]:.1f} s wall / {cpu['dfdetect'][-1]:.1f} s CPU "
              f"(fit {res['seconds']:.1f} s), plain fastai {wall['plain'][-1]:.1f} s wall / {cpu['plain'][-1]:.1f} s CPU")
    med = lambda d, k: statistics.median(d[k])
    for what, d in [('wall', wall), ('CPU', cpu)]:
        print(f"median {what}: dfdetect {med(d, 'dfdetect'):.1f} s, plain fastai {med(d, 'plain'):.1f} s, "
              f"ratio {med(d, 'dfdetect') / med(d, 'plain'):.2f}x")
