"""MTCNN throughput: dfdetect.detect.MTCNN against facenet-pytorch's MTCNN on the same real frames, in one run.

    python benchmarks/mtcnn_speed.py                      # CPU, 2 threads: 64 frames 640x480 + 8 frames of 1080p at 960x540
    python benchmarks/mtcnn_speed.py --device cuda        # GPU: frames/s (fp32 and fp16) at the same shapes
    python benchmarks/mtcnn_speed.py --max-size 0         # the 1080p frames at full size (not what extraction does)

The 1080p frames are shrunk as extraction shrinks them (`extract.shrink` to the longest side `--max-size`, default
the chain's `FACE_PARAMS['max_size']` = 960, so MTCNN sees 960x540), since that is the shape the chain detects on.

Frames come from ../shared/realdata (FaceForensics++ originals and fakes at 640x480, and the 1920x1080 Face2Face
clip 750_743). Both detectors get the same thresholds (0.6, 0.7, 0.7), minimum face size 20 and factor 0.709, the
same frames as one batched call per frame size, a warm-up call first, and the best of `--repeats` timed runs, run
alternately so that a busy machine slows both alike (the first calls of either on a fresh process can be several
times slower than the steady state, while memory is first touched). Agreement: dfdetect's detections against facenet's
(`match_detections`, reference faces with p >= 0.99; facenet's boxes made 0-based and clipped like dfdetect's).
facenet-pytorch is a reference only (pip install facenet-pytorch --no-deps); it is not a dfdetect dependency.
"""
from __future__ import annotations
import argparse, time
import numpy as np, torch
from dfdetect.core import realdata_root
from dfdetect.video import read_frames
from dfdetect.detect import MTCNN, match_detections
from dfdetect.extract import FACE_PARAMS, shrink

CLIPS_640 = ['FaceForensics++/original_sequences/youtube/c23/videos/000.mp4',
             'FaceForensics++/original_sequences/youtube/c23/videos/519.mp4',
             'FaceForensics++/manipulated_sequences/Deepfakes/c23/videos/003_000.mp4',
             'FaceForensics++/manipulated_sequences/Face2Face/c23/videos/000_003.mp4']
CLIP_1080 = 'FaceForensics++/manipulated_sequences/Face2Face/c23/videos/750_743.mp4'
KW = dict(thresholds=(0.6, 0.7, 0.7), min_face_size=20)

def facenet(device):
    from facenet_pytorch import MTCNN as FMTCNN
    m = FMTCNN(keep_all=True, device=device, thresholds=list(KW['thresholds']), min_face_size=KW['min_face_size'], factor=0.709)
    def detect(frames):
        bs, ps, ls = m.detect(list(frames), landmarks=True)
        H, W = frames.shape[1:3]
        out = []
        for b, p, l in zip(bs, ps, ls):
            if b is None: out.append((np.zeros((0, 4)), np.zeros(0), np.zeros((0, 5, 2)))); continue
            b = np.minimum(np.maximum(np.asarray(b, np.float32) - 1, 0), [W-1, H-1, W-1, H-1])  # 1-based -> 0-based, clipped
            out.append((b, np.asarray(p, np.float32), np.asarray(l, np.float32)))
        return out
    return detect

def timed(fn, frames, sync):
    sync(); t = time.perf_counter(); r = fn(frames); sync()
    return time.perf_counter() - t, r

def bench(named, frames, repeats, sync):
    "Best time of each detector over `repeats` alternating runs, after a warm-up; and their last results"
    for fn in named.values(): fn(frames[:2])
    best, res = {k: float('inf') for k in named}, {}
    for _ in range(repeats):
        for k, fn in named.items():
            t, res[k] = timed(fn, frames, sync)
            best[k] = min(best[k], t)
    return best, res

def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--device', default='cpu')
    ap.add_argument('--threads', type=int, default=2, help='torch CPU threads (both detectors)')
    ap.add_argument('--n640', type=int, default=16, help='frames per 640x480 clip (4 clips)')
    ap.add_argument('--n1080', type=int, default=8, help='1920x1080 frames')
    ap.add_argument('--repeats', type=int, default=5)
    ap.add_argument('--max-size', type=int, default=FACE_PARAMS['max_size'],
                    help="longest side the 1080p frames are shrunk to, as extraction does (0: full size)")
    ap.add_argument('--downscale', type=float, default=0, help='also time dfdetect at this downscale (0: skip)')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    rd = realdata_root()
    if rd is None: raise SystemExit('../shared/realdata not found (set DFDETECT_REALDATA)')
    dev = torch.device(a.device)
    sync = torch.cuda.synchronize if dev.type == 'cuda' else (lambda: None)
    hd = shrink(read_frames(rd/CLIP_1080, n=a.n1080)[0], a.max_size or None)[0]
    groups = {'640x480': np.concatenate([read_frames(rd/c, n=a.n640)[0] for c in CLIPS_640]),
              f'1920x1080 as {hd.shape[2]}x{hd.shape[1]}': hd}
    try: ref = facenet(dev)
    except ImportError: ref = None; print('facenet_pytorch not importable: timing dfdetect only')
    named = {} if ref is None else {'facenet-pytorch': ref}
    named['dfdetect'] = MTCNN(device=dev, **KW).detect
    if dev.type == 'cuda': named['dfdetect fp16'] = MTCNN(device=dev, fp16=True, **KW).detect
    if a.downscale: named[f'dfdetect downscale={a.downscale}'] = MTCNN(device=dev, downscale=a.downscale, **KW).detect
    print(f'device {dev}, torch {torch.__version__}, {torch.get_num_threads()} threads'
          + (f', {torch.cuda.get_device_name(dev)}' if dev.type == 'cuda' else ''))
    tot = {k: 0.0 for k in named}; n_tot = 0
    for g, frames in groups.items():
        best, res = bench(named, frames, a.repeats, sync)
        n_tot += len(frames)
        print(f'\n{g}: {len(frames)} frames')
        for k, t in best.items():
            tot[k] += t
            line = f'  {k:28s} {len(frames)/t:7.2f} frames/s'
            if ref is not None and k != 'facenet-pytorch':
                m = match_detections(res['facenet-pytorch'], res[k], min_prob=0.99)
                line += (f'  x{best["facenet-pytorch"]/t:.2f}  faces found {m["found"]}/{m["ref"]}, extra {m["extra"]},'
                         f' IoU mean {m["iou_mean"]:.3f}, landmark err median {m["lm_median"]:.3f} p90 {m["lm_p90"]:.3f}')
            print(line)
    print(f'\nall {n_tot} frames:')
    for k, t in tot.items():
        print(f'  {k:28s} {n_tot/t:7.2f} frames/s' + (f'  x{tot["facenet-pytorch"]/t:.2f} vs facenet-pytorch' if ref is not None else ''))

if __name__ == '__main__': main()
