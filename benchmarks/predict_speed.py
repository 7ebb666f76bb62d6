"""Benchmark: seconds per video of `dfdetect-predict` at 32 frames, split into decode / detect / classify.

Run: `python benchmarks/predict_speed.py [--device cpu|cuda] [--threads 2] [--n_frames 32] [--model DIR]
      [--backend safetensors|onnx] [--arch tf_efficientnet_lite0 --img_size 224] [--repeats 1] [--out FILE.csv]`
Videos: the first `--n_sample` videos of the bundled sample, and, when `../shared/realdata` is there, the 640x480
FaceForensics++ clips 000 and Face2Face 000_003 and the 1920x1080 Face2Face clip 750_743 (read in place).
Without `--model`, the classifier is an untrained `--arch` at `--img_size` (speed does not depend on the weights) with
the default face-crop settings of `dfdetect.extract.FACE_PARAMS` (detection on frames shrunk to 960 px, 224 px crops).
One untimed warm-up video first; each video is then timed `--repeats` times and the median of each step is kept.
`cpu_s` is the process CPU time of the whole video (all threads): on a shared machine wall time is inflated by other
processes, CPU time much less. `--detect_size` shrinks the frames MTCNN sees (default: the training run's 960 px).
Goals: <= 10 s per video on 2 CPU cores; <= 1 s on a GPU (the DFDC's limit was 8.1 s per video on a P100).
On a machine whose cores other processes also use, `--threads 1` is faster than 2: PyTorch's OpenMP threads spin
waiting for each other when one of them is descheduled.

Before / after (when the 1080p clip is there; `--n_videos` copies of it through `predict_videos`, the way
`dfdetect-predict FOLDER` runs, alternating the modes `--rounds` times in this one command):
  before:   main at 2313bae: the classifier on PyTorch (safetensors), MTCNN with PyTorch's PReLU and max pooling,
            one worker: this thread detects and classifies while a thread decodes the next video (`prefetch=1`);
  after1w:  today's code with one worker (`workers=1, prefetch=1`): `predict.default_backend` (ONNX Runtime for a
            parity-checked export on the CPU), MTCNN with `detect.prelu_cl` / `max_pool_cl` (same numbers, faster);
  after:    today's defaults: `workers=None`, i.e. `predict.video_workers` (2 with `--threads 1` on 2 free cores):
            two threads each follow a whole video, decoding to decision.
All skip unwanted non-reference frames. Per video: decode / detect / classify (each step's own seconds), total = wall
time of the batch divided by the videos, and cpu = the process's CPU seconds per video (all threads), split into
main_cpu (this thread) and other_cpu (the other threads); two_free_cores = what a video would cost with a free core for
each busy thread (a projection from CPU time): max(main_cpu, other_cpu) with one worker (decoding on one side,
detection and classification on the other), cpu/2 with two (balanced: each thread does whole videos). With one
worker, the wall of a batch also holds the first video's decoding, which nothing hides: about (decode + n * rest)/n.
The crops and tracks must be identical in every mode, and the probabilities within the export's tolerance with the
same labels (bit-identical between the two `after` modes): checked, and the largest difference printed.
The goal of issue 14: <= 2 s per 1080p video on 2 cores.
The process keeps freed memory for reuse (`predict.reuse_freed_memory`), as `dfdetect-predict` does, in every mode;
`--system_malloc` leaves glibc's defaults (a page fault per 4 KB of each large array, every video).
"""
import argparse, functools, os, sys, time
from pathlib import Path
from dfdetect.core import scratch_dir
import numpy as np, pandas as pd, torch

def realdata_clips(root):
    "The benchmark's real clips that exist under `root`"
    ff = Path(root)/'FaceForensics++'
    names = ['original_sequences/youtube/c23/videos/000.mp4', 'manipulated_sequences/Face2Face/c23/videos/000_003.mp4',
             'manipulated_sequences/Face2Face/c23/videos/750_743.mp4']
    return [ff/n for n in names if (ff/n).exists()]

def export_of(model):
    "An export folder (safetensors + parity-checked ONNX) of `model`: itself when it is one"
    from dfdetect.export import export_model
    model = Path(model)
    if model.suffix == '.onnx': model = model.parent
    if (model/'meta.json').exists() and (model/'model.onnx').exists() and (model/'model.safetensors').exists(): return model
    export_model(model, model.parent/'bench_export', 'safetensors,onnx')
    return model.parent/'bench_export'

def untrained_model(arch, img_size, folder):
    "A model folder with an untrained classifier: the same compute as a trained one"
    from dfdetect.models import build_model, model_config, save_model, package_weights
    pre = package_weights(arch) is not None  # ImageNet weights shipped in a package: no download
    return save_model(build_model(arch, pretrained=pre), model_config(arch, 'rgb', img_size), Path(folder)/'bench_model')

def mtcnn_forward_2313bae(self, x):
    "MTCNNNet.forward as it was at 2313bae: PyTorch's PReLU and max pooling layers"
    import torch.nn.functional as F
    for conv, prelu, pool in zip(self.convs, self.prelus, self.pools):
        x = prelu(conv(x))
        if pool: x = F.max_pool2d(x, pool[0], pool[1], ceil_mode=pool[2])
    if self.dense is not None: x = self.prelu_dense(self.dense(x.permute(0,3,2,1).flatten(1)))
    *outs, logits = self.head(x).split(self.sizes, 1)
    return (*outs, (logits[:,1] - logits[:,0]).float().sigmoid())

def before_after(clip, export, device, det, n_videos, rounds, kw):
    "Per-video cost of `n_videos` copies of `clip` through `predict_videos`: main at 2313bae (before) vs now (after)"
    import dfdetect.predict as P, dfdetect.detect as D
    from dfdetect.export import load_predictor
    new_fwd = D.MTCNNNet.forward
    now = load_predictor(export, P.default_backend(export, device), device)
    modes = dict(before=(load_predictor(export, 'safetensors', device), mtcnn_forward_2313bae, 1),
                 after1w=(now, new_fwd, 1), after=(now, new_fwd, None))
    print('before:', modes['before'][0], '\nafter: ', now, f'; workers by default: {P.video_workers(now)}')
    rows, res = [], {}
    try:
        for r in range(rounds):
            for name, (pred, fwd, workers) in modes.items():
                D.MTCNNNet.forward = fwd
                w = P.video_workers(pred) if workers is None else workers
                t, c, m = time.perf_counter(), time.process_time(), time.thread_time()
                out = P.predict_videos([clip]*n_videos, pred, det, log=None, prefetch=1, workers=workers, **kw)
                wall, cpu = (time.perf_counter() - t)/n_videos, (time.process_time() - c)/n_videos
                main = (time.thread_time() - m)/n_videos  # this thread (one worker: detect + classify); the rest: the other threads
                res[name] = out
                rows.append(dict(round=r, mode=name, workers=w, **{k: float(np.mean([o[k] for o in out])) for k in ('decode_s', 'detect_s', 'classify_s')},
                                 total_s=wall, cpu_s=cpu, main_cpu_s=main, other_cpu_s=cpu - main,
                                 two_free_cores_s=max(main, cpu - main) if w == 1 else cpu/w))
                print(f"round {r} {name:>7} ({w} worker{'s' if w > 1 else ''}): {wall:.2f} s per video (decode {rows[-1]['decode_s']:.2f}, "
                      f"detect {rows[-1]['detect_s']:.2f}, classify {rows[-1]['classify_s']:.2f}), CPU {cpu:.2f} s per video (this thread "
                      f"{main:.2f}, other threads {cpu - main:.2f}); load {os.getloadavg()[0]:.1f}", flush=True)
    finally: D.MTCNNNet.forward = new_fwd
    b, a = res['before'], res['after']
    strip = lambda rs: [{k: v for k, v in r.items() if k not in ('decode_s', 'detect_s', 'classify_s', 'total_s')} for r in rs]
    identical = strip(res['after1w']) == strip(a)  # the same code, one or two workers: not a bit may move
    boxes = lambda rs: [[{k: v for k, v in f.items() if k != 'prob'} for f in r['frames']] for r in rs]
    same_faces = boxes(b) == boxes(a) and [r['n_faces'] for r in b] == [r['n_faces'] for r in a]
    same_labels = [r['label'] for r in b] == [r['label'] for r in a]
    dp = max([abs(x['prob'] - y['prob']) for rb, ra in zip(b, a) for x, y in zip(rb['frames'], ra['frames'])] +
             [abs(rb['prob'] - ra['prob']) for rb, ra in zip(b, a)])
    df = pd.DataFrame(rows).groupby('mode', sort=False)[['workers', 'decode_s', 'detect_s', 'classify_s', 'total_s', 'cpu_s', 'main_cpu_s', 'other_cpu_s', 'two_free_cores_s']].median()
    print(f'\n{clip.name}, {n_videos} videos x {rounds} rounds, medians per video (load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores):')
    print(df.round(2).to_string())
    print(f"after/before: total {df.total_s['after']/df.total_s['before']:.2f}, CPU {df.cpu_s['after']/df.cpu_s['before']:.2f}; "
          f"after/after1w: total {df.total_s['after']/df.total_s['after1w']:.2f}; "
          f"same faces (boxes, tracks): {same_faces}; same labels: {same_labels}; largest |dP| (frames, videos): {dp:.1e}; "
          f"after1w and after identical: {identical}")
    if not (same_faces and same_labels and identical): sys.exit('before/after: the results differ (see above)')
    return df

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--device', default='cpu'); ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--n_frames', type=int, default=32); ap.add_argument('--model', default=None)
    ap.add_argument('--backend', default=None); ap.add_argument('--arch', default='tf_efficientnet_lite0')
    ap.add_argument('--img_size', type=int, default=224); ap.add_argument('--n_sample', type=int, default=3)
    ap.add_argument('--repeats', type=int, default=1); ap.add_argument('--strategy', default='confident')
    ap.add_argument('--detect_size', type=int, default=None); ap.add_argument('--out', default=None)
    ap.add_argument('--n_videos', type=int, default=4); ap.add_argument('--rounds', type=int, default=2)
    ap.add_argument('--before_after_only', action='store_true', help='only the before/after comparison on the 1080p clip')
    ap.add_argument('--system_malloc', action='store_true', help="glibc's malloc defaults, not `reuse_freed_memory`")
    a = ap.parse_args()
    if not a.system_malloc:
        from dfdetect.predict import reuse_freed_memory
        print('freed memory reused (reuse_freed_memory):', reuse_freed_memory())
    torch.set_num_threads(a.threads)
    import cv2; cv2.setNumThreads(a.threads)
    from dfdetect.core import realdata_root, get_device
    from dfdetect.export import load_predictor
    from dfdetect.predict import make_detector, predict_video
    from dfdetect.sample import sample_root
    from dfdetect.data import read_videos
    from dfdetect.video import video_info
    dev = get_device(a.device)
    model = Path(a.model) if a.model else untrained_model(a.arch, a.img_size, scratch_dir())
    backend = a.backend or ('onnx' if model.suffix == '.onnx' else 'safetensors')
    if backend == 'onnx' and model.is_dir() and not (model/'model.onnx').exists():
        from dfdetect.export import export_model
        export_model(model, model.parent/'export', 'onnx'); model = model.parent/'export'
    pred = load_predictor(model, backend, str(dev))
    det = make_detector(pred.face, str(dev))
    vids = [('sample', Path(p)) for p in read_videos(sample_root()).sort_values('video').path[:a.n_sample]]
    rd = realdata_root()
    vids += [('realdata', p) for p in (realdata_clips(rd) if rd is not None else [])]
    print(f'{pred}; detector on {dev}; torch threads {torch.get_num_threads()}; {a.n_frames} frames per video; '
          f'face settings: detection max_size {pred.face["max_size"]}, min_face_size {pred.face["min_face_size"]}, crop {pred.face["size"]} px')
    kw = dict(n_frames=a.n_frames, strategy=a.strategy, detector=det, detect_size=a.detect_size)
    predict_video(vids[0][1], pred, **kw)  # warm-up: allocator, oneDNN/cuDNN kernels, decoder
    hd = [p for _, p in vids if p.name == '750_743.mp4']
    ba = lambda: before_after(hd[0], export_of(model), a.device, det, a.n_videos, a.rounds, {k: v for k, v in kw.items() if k != 'detector'})
    if a.before_after_only:
        if not hd: sys.exit('before/after: the 1080p clip 750_743.mp4 of ../shared/realdata is not there')
        ba(); return
    print(f'load average before: {os.getloadavg()[0]:.1f} (on {os.cpu_count()} cores)')
    rows = []
    for src, p in vids:
        runs, cpu = [], []
        for _ in range(a.repeats):
            c = time.process_time(); runs.append(predict_video(p, pred, **kw)); cpu.append(time.process_time() - c)
        r = runs[0]
        if r['error']: print(f'{p}: {r["error"]}', file=sys.stderr)
        info = video_info(p)
        med = {k: float(np.median([x[k] for x in runs])) for k in ('decode_s', 'detect_s', 'classify_s', 'total_s')}
        rows.append(dict(source=src, video=p.name, size=f"{info['width']}x{info['height']}", frames=r['n_frames'],
                         faces=r['n_faces'], **med, cpu_s=float(np.median(cpu))))
        print(f"{src:>8} {p.name:<16} {rows[-1]['size']:>9}: {med['total_s']:6.2f} s (decode {med['decode_s']:.2f}, "
              f"detect {med['detect_s']:.2f}, classify {med['classify_s']:.2f}), CPU {rows[-1]['cpu_s']:.1f} s, "
              f"{r['n_faces']} faces", flush=True)
    df = pd.DataFrame(rows)
    print(df.round(3).to_string(index=False))
    print(df.groupby('size', sort=False)[['decode_s', 'detect_s', 'classify_s', 'total_s', 'cpu_s']].mean().round(2).to_string())
    print(f"mean {df.total_s.mean():.2f} s per video, max {df.total_s.max():.2f} s on {dev} "
          f"(goal {'1' if dev.type == 'cuda' else '10'} s); load average after: {os.getloadavg()[0]:.1f}")
    if a.out: df.to_csv(a.out, index=False)
    if hd: ba()

if __name__ == '__main__': main()
