"""GPU rates: the inputs of the DFDC projection (configs/dfdc_full.yaml), measured on one machine in one command.

    python benchmarks/gpu_speed.py --device cuda [--out FILE.csv]     # on a CUDA machine
    python benchmarks/gpu_speed.py --device cpu --quick               # a smoke run of the same code on the CPU

What it measures, each with the code the chain runs:
  R   MTCNN frames/s (`detect.MTCNN`, fp32 and fp16) on 32 frames of a 1080p clip shrunk to 960x540, as extraction
      detects them (one call per video); best of `--repeats` after a warm-up.
  S   training images/s of each backbone through fastai's real pipeline (`train.make_dls` + `make_learner`: JPEG crops
      read by the loader's workers, augmentation, AMP and channels-last on CUDA), 224 px, batch 128, one epoch over
      the sample's crops repeated to `--n_train` items, after a warm-up epoch, on both data paths (`decode` 'pil':
      each crop decoded by a worker; 'batch': the workers read bytes, each batch decoded on the device, `07e_loaders`);
      and the same model alone on random tensors (no loading), which says whether the loader or the GPU bounds it.
  V   inference images/s of the same learner over the same crops (`train._predict`, what validation and the saved
      fold predictions use).
  decode: `video.read_frames` of the 32 frames prediction samples from the 1080p clip, on `--device` (NVDEC where
      `video.gpu_decoder` finds it works, else the CPU, which it says) and on the CPU in the same command, best of
      `--repeats`, with how far the two reads' frames differ (max and mean levels).
  per video: `predict.predict_videos` on `--n_videos` copies of the 1080p clip (decode / detect / classify, and the
      wall time per video of the batch), on `--device` (which decodes there too) and on this machine's CPU cores, in
      this one command.
The 1080p clip is made here from a video of the bundled sample (no research data travels): its frames upscaled to
1920x1080 and looped to 300 frames at 30 fps (10 s, as a DFDC clip), x264 at its defaults. An upscaled synthetic clip
decodes faster than camera footage of the same size; the decode numbers are a lower bound for real clips.
"""
from __future__ import annotations
import argparse, os, sys, time
from pathlib import Path
from dfdetect.core import scratch_dir
import numpy as np, pandas as pd, torch

sys.path.insert(0, str(Path(__file__).parent))
from predict_speed import untrained_model  # the same stand-in classifier as the CPU benchmark

def make_clip(path:Path, n:int=300, size=(1920, 1080)) -> Path:
    "A 1080p H.264 clip from the first video of the bundled sample, upscaled and looped to `n` frames at 30 fps"
    import cv2
    from dfdetect.data import read_videos
    from dfdetect.sample import sample_root
    from dfdetect.video import read_frames, write_video
    src = read_videos(sample_root()).sort_values('video').path.iloc[0]
    fr = read_frames(src, every=1)[0]
    fr = np.concatenate([fr, fr[::-1]])  # ping-pong: no jump at the loop
    frames = (cv2.resize(fr[i % len(fr)], size, interpolation=cv2.INTER_CUBIC) for i in range(n))
    return write_video(path, frames, fps=30)

def sync(dev):
    if dev.type == 'cuda': torch.cuda.synchronize(dev)

def mtcnn_rate(clip, dev, repeats):
    "Frames/s of MTCNN on the clip's 32 frames shrunk as extraction shrinks them"
    from dfdetect.detect import MTCNN
    from dfdetect.extract import FACE_PARAMS, shrink
    from dfdetect.video import read_frames
    frames = shrink(read_frames(clip, n=32)[0], FACE_PARAMS['max_size'])[0]
    rows = []
    for fp16 in ([False, True] if dev.type == 'cuda' else [False]):
        det = MTCNN(device=dev, fp16=fp16)
        det.detect(frames[:4]); det.detect(frames)  # warm-up: kernels, allocator
        best = float('inf')
        for _ in range(repeats):
            sync(dev); t = time.perf_counter(); r = det.detect(frames); sync(dev); best = min(best, time.perf_counter() - t)
        rows.append(dict(what='R: MTCNN', detail=f'{"fp16" if fp16 else "fp32"}, 32 frames {frames.shape[2]}x{frames.shape[1]}',
                         device=str(dev), rate=len(frames)/best, unit='frames/s', faces=sum(len(b) for b, _, _ in r)))
    return rows

def train_rates(dev, archs, n_train, bs, img_size, quick):
    "Training (S) and inference (V) images/s of each arch through fastai's pipeline, and the model alone"
    from dfdetect.hparams import TrainParams
    from dfdetect.train import training_crops, make_dls, make_learner, _predict, loader_settings, crop_dl
    from dfdetect.models import build_model, package_weights
    from PIL import Image
    from dfdetect.ensure import ensure_faces
    ensure_faces()  # the sample's faces, made if missing (training_crops reads them)
    crops = training_crops()
    base = crops[crops.fold != -1].copy()
    tmp = scratch_dir()  # the sample's crops are 128 px: decode 224 px JPEGs, as the DFDC run's loaders do
    for i, p in enumerate(base.path):
        Image.open(p).convert('RGB').resize((224, 224), Image.BICUBIC).save(tmp/f'{i}.jpg', quality=95)
    base['path'] = [str(tmp/f'{i}.jpg') for i in range(len(base))]
    trn = pd.concat([base] * max(1, -(-n_train // len(base))), ignore_index=True).iloc[:n_train]
    rows = []
    for arch in archs:
        pre = package_weights(arch) is not None  # ImageNet weights shipped in a package; others: random (same speed)
        for decode in ('pil', 'batch'):  # fastai's per-crop decoding in the workers; batches decoded on the device (07e_loaders)
            hp = TrainParams.from_dict(dict(arch=arch, img_size=img_size, bs=bs, epochs=1, freeze_epochs=0, max_per_video=None,
                                            valid_max_per_video=None, pretrained=pre, decode=decode))
            dls = make_dls(trn, None, hp, dev)
            learn = make_learner(dls, hp, scratch_dir(), trn.label)
            if dev.type == 'cuda': torch.backends.cudnn.benchmark = True
            with learn.no_bar(), learn.no_logging():
                learn.fit(1, 1e-3)  # warm-up: workers, cuDNN autotuning
                sync(dev); t = time.perf_counter(); learn.fit(1, 1e-3); sync(dev); dt = time.perf_counter() - t
            n = len(dls.train) * dls.train.bs  # drop_last: the images actually trained on
            nw = loader_settings(hp, dev)['num_workers']
            rows.append(dict(what=f'S: train, {decode} decode', detail=f'{arch} {img_size}px bs{bs}, {nw} workers', device=str(dev),
                             rate=n/dt, unit='images/s'))
            dl = crop_dl(dls, trn)
            _predict(learn, dl)  # warm-up
            sync(dev); t = time.perf_counter(); p = _predict(learn, dl); sync(dev); dt = time.perf_counter() - t
            assert len(p) == len(trn) and np.isfinite(p).all()
            rows.append(dict(what=f'V: inference, {decode} decode', detail=f'{arch} {img_size}px bs{bs}', device=str(dev),
                             rate=len(trn)/dt, unit='images/s'))
        # the model alone, on random tensors already on the device: what the GPU could do with a loader fast enough
        m = build_model(arch, pretrained=False).to(dev).to(memory_format=torch.channels_last)
        opt = torch.optim.AdamW(m.parameters(), 1e-3)
        x = torch.randn(bs, 3, img_size, img_size, device=dev).to(memory_format=torch.channels_last)
        y = torch.randint(0, 2, (bs, 1), device=dev).float()
        amp = torch.autocast(dev.type, dtype=torch.float16 if dev.type == 'cuda' else torch.bfloat16)
        scaler = torch.amp.GradScaler(enabled=dev.type == 'cuda')
        def step():
            with amp: loss = torch.nn.functional.binary_cross_entropy_with_logits(m(x).float(), y)
            opt.zero_grad(); scaler.scale(loss).backward(); scaler.step(opt); scaler.update()
        k = 3 if quick else 30
        for _ in range(3): step()
        sync(dev); t = time.perf_counter()
        for _ in range(k): step()
        sync(dev); rows.append(dict(what='S: train, model alone', detail=f'{arch} {img_size}px bs{bs}, AMP, channels-last',
                                    device=str(dev), rate=k*bs/(time.perf_counter() - t), unit='images/s'))
        m.eval()
        with torch.no_grad(), amp:
            for _ in range(3): m(x)
            sync(dev); t = time.perf_counter()
            for _ in range(k): m(x)
            sync(dev)
        rows.append(dict(what='V: inference, model alone', detail=f'{arch} {img_size}px bs{bs}, AMP, channels-last',
                         device=str(dev), rate=k*bs/(time.perf_counter() - t), unit='images/s'))
        print(pd.DataFrame(rows[-6:]).round(1).to_string(index=False), flush=True)
    return rows

def decode_rates(clip, dev, repeats):
    "Seconds to decode the 32 frames prediction samples from the clip, on `dev` and on the CPU, and how far their frames differ"
    from dfdetect.video import read_frames, gpu_decoder
    rows, frames = [], []
    for d in ([dev, torch.device('cpu')] if dev.type == 'cuda' else [dev]):
        by = 'NVDEC' if gpu_decoder(d) is not None else 'the CPU'
        read_frames(clip, n=32, device=d)  # warm-up (and gpu_decoder's probe)
        best = float('inf')
        for _ in range(max(1, repeats)):
            t = time.perf_counter(); fr = read_frames(clip, n=32, device=d)[0]; best = min(best, time.perf_counter() - t)
        frames.append(fr)
        rows.append(dict(what='decode per 1080p video', detail=f'read_frames n=32, decoded by {by}', device=str(d), rate=best, unit='s/video'))
    if len(frames) == 2:
        diff = np.abs(frames[0].astype(int) - frames[1])
        rows[0]['detail'] += f'; frames vs the CPU\'s: max {diff.max()}, mean {diff.mean():.4f} levels'
    return rows

def predict_rates(clip, dev, n_videos, prefetch):
    "Seconds per 1080p video of `predict_videos` on `dev`: decode / detect / classify and wall time per video"
    from dfdetect.export import load_predictor
    from dfdetect.predict import make_detector, predict_videos
    model = untrained_model('tf_efficientnet_lite0', 224, scratch_dir())
    pred = load_predictor(model, 'safetensors', str(dev)); det = make_detector(pred.face, str(dev))
    predict_videos([clip], pred, det, log=None)  # warm-up
    rows = []
    for pf in prefetch:
        sync(dev); t = time.perf_counter()
        res = predict_videos([clip] * n_videos, pred, det, log=None, prefetch=pf); sync(dev)
        wall = (time.perf_counter() - t) / n_videos
        assert all(r['error'] is None and r['n_faces'] > 0 for r in res), res[0]
        med = {k: float(np.median([r[k] for r in res])) for k in ('decode_s', 'detect_s', 'classify_s')}
        rows.append(dict(what='per 1080p video', detail=f'{n_videos} videos, prefetch {pf}; decode {med["decode_s"]:.3f}, '
                         f'detect {med["detect_s"]:.3f}, classify {med["classify_s"]:.3f} s', device=str(dev),
                         rate=wall, unit='s/video', faces=int(np.median([r['n_faces'] for r in res]))))
    return rows

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--device', default='cuda')
    ap.add_argument('--archs', default='tf_efficientnet_lite0,efficientnet_b0,resnet34', help="dfdc_full.yaml's backbones")
    ap.add_argument('--n_train', type=int, default=6144); ap.add_argument('--bs', type=int, default=128)
    ap.add_argument('--img_size', type=int, default=224); ap.add_argument('--repeats', type=int, default=5)
    ap.add_argument('--n_videos', type=int, default=8); ap.add_argument('--out', default=None)
    ap.add_argument('--skip', default='', help='comma-separated parts to skip: mtcnn,decode,predict,train')
    ap.add_argument('--quick', action='store_true', help='tiny sizes: a smoke run of the code, not a measurement')
    a = ap.parse_args()
    from dfdetect.core import get_device, device_summary, usable_cpus
    dev = get_device(a.device)
    torch.set_num_threads(usable_cpus())
    if a.quick: a.n_train, a.bs, a.img_size, a.repeats, a.n_videos, a.archs = 64, 16, 64, 1, 2, a.archs.split(',')[0]
    print(f'{device_summary(dev)}; {usable_cpus()} CPU cores; torch {torch.__version__}', flush=True)
    skip = set(a.skip.split(','))
    clip = make_clip(scratch_dir()/'hd.mp4', n=60 if a.quick else 300)
    rows = []
    if 'mtcnn' not in skip:
        rows += mtcnn_rate(clip, dev, a.repeats)
        if dev.type == 'cuda': rows += mtcnn_rate(clip, torch.device('cpu'), 1)
        print(pd.DataFrame(rows).round(1).to_string(index=False), flush=True)
    if 'decode' not in skip:
        rows += decode_rates(clip, dev, a.repeats)
        print(pd.DataFrame(rows).round(3).to_string(index=False), flush=True)
    if 'predict' not in skip:
        rows += predict_rates(clip, dev, a.n_videos, [1, 4])
        if dev.type == 'cuda': rows += predict_rates(clip, torch.device('cpu'), max(2, a.n_videos // 4), [1])
        print(pd.DataFrame(rows).round(3).to_string(index=False), flush=True)
    if 'train' not in skip: rows += train_rates(dev, a.archs.split(','), a.n_train, a.bs, a.img_size, a.quick)
    df = pd.DataFrame(rows)
    print(df.round(3).to_string(index=False))
    if 'train' not in skip:  # each data path's rate as a share of the network alone (issue 24's goal: 85%)
        for arch in a.archs.split(','):
            r = {w: df[(df.what == w) & df.detail.str.startswith(arch + ' ')].rate.iloc[0] for w in df.what.unique() if w[:2] in ('S:', 'V:')}
            print(arch + ': ' + '; '.join(f'{k} {r[f"{k}: {t}, {d} decode"]/r[f"{k}: {t}, model alone"]:.0%} of the network alone ({d})'
                                          for k, t in (('S', 'train'), ('V', 'inference')) for d in ('pil', 'batch')))
    if a.out: df.to_csv(a.out, index=False)

if __name__ == '__main__': main()
