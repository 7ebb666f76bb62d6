"""Benchmark: peak memory (max RSS) of predicting one 4K video, every sampled frame held vs streamed.

Run: `python benchmarks/predict_memory.py [--frames 32 100] [--clip FILE] [--work DIR]`
The clip: a bundled-sample video upscaled 8x to 3840x2160 with OpenCV (cubic), played forward and back to 120 frames,
x264 ultrafast (made once in `--work`). The model: an untrained resnet18 at 128 px (the frames, not the classifier, are
what grows with the resolution); face-crop settings are `FACE_PARAMS`' (MTCNN on frames shrunk to 960 px, 224 px crops).
Each measurement is a fresh process (`resource.getrusage(RUSAGE_SELF).ru_maxrss`), in the two modes:
  held:     `decode_video(max_bytes=None)`: every sampled frame at full size in memory, then `predict_video` (the old way);
  streamed: `predict_video` as `dfdetect-predict` runs it: a 4K video's frames exceed `FRAME_BUDGET`, so `stream_faces`
            keeps 8 full-size frames at a time and the crops of the detections.
`baseline` is the same process importing what prediction imports and stopping there. Both modes must give the same
P(FAKE): checked.
"""
import argparse, json, subprocess, sys, tempfile
from pathlib import Path

CHILD = r'''
import sys, json, resource
mode, clip, model, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
from dfdetect.predict import predict_video, decode_video, load_predictor, make_detector
p = None
if mode != 'baseline':
    pred = load_predictor(model, 'safetensors', 'cpu'); det = make_detector(pred.face, 'cpu')
    kw = dict(decoded=decode_video(clip, n, max_bytes=None)) if mode == 'held' else {}
    p = predict_video(clip, pred, n, detector=det, **kw)['prob']
print(json.dumps(dict(maxrss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024, prob=p)))
'''

def make_clip(path):
    "The 4K benchmark clip, from the bundled sample"
    import numpy as np, cv2
    from dfdetect.sample import sample_root
    from dfdetect.video import read_frames, write_video
    src = sorted(sample_root().rglob('*.mp4'))[0]
    fr, _ = read_frames(src, every=1)
    seq = np.concatenate([fr, fr[::-1], fr, fr[::-1]])[:120]
    write_video(path, (cv2.resize(f, (3840, 2160), interpolation=cv2.INTER_CUBIC) for f in seq), fps=15, preset='ultrafast')
    return path

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--frames', type=int, nargs='+', default=[32, 100])
    ap.add_argument('--clip', default=None)
    ap.add_argument('--work', default=None)
    a = ap.parse_args()
    work = Path(a.work or tempfile.mkdtemp(prefix='dfdetect-mem-')); work.mkdir(parents=True, exist_ok=True)
    clip = Path(a.clip) if a.clip else work/'clip4k.mp4'
    if not clip.exists(): make_clip(clip)
    model = work/'model'
    if not (model/'config.json').exists():
        from dfdetect.models import build_model, model_config, save_model
        save_model(build_model('resnet18', pretrained=False), model_config('resnet18', 'rgb', 128), model)
    run = lambda mode, n: json.loads(subprocess.run([sys.executable, '-c', CHILD, mode, str(clip), str(model), str(n)],
                                                    capture_output=True, text=True, check=True).stdout.splitlines()[-1])
    base = run('baseline', 1)['maxrss_mb']
    print(f'{clip.name}: 3840x2160; baseline (imports only): {base:.0f} MB')
    print(f"{'frames':>6} {'held MB':>8} {'streamed MB':>12} {'held - base':>12} {'streamed - base':>16} {'ratio':>6}")
    for n in a.frames:
        h, s = run('held', n), run('streamed', n)
        assert abs(h['prob'] - s['prob']) < 1e-6, (h, s)
        print(f"{n:>6} {h['maxrss_mb']:>8.0f} {s['maxrss_mb']:>12.0f} {h['maxrss_mb'] - base:>12.0f} "
              f"{s['maxrss_mb'] - base:>16.0f} {(h['maxrss_mb'] - base)/(s['maxrss_mb'] - base):>6.1f}")

if __name__ == '__main__': main()
