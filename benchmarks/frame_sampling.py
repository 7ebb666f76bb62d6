"""Benchmark: 32 evenly spaced frames from a long-GOP 1080p H.264 clip, sequential decode vs seek-per-frame.

Run: `python benchmarks/frame_sampling.py [--frames 300] [--n 32] [--repeats 3] [--no-memory]`. Prints numbers.
(a) `dfdetect.video.read_frames`: one sequential pass, RGB conversion only for kept frames, stop after the last.
(b) seek-per-frame: `container.seek(pts, backward=True)` to each wanted frame, then decode forward to it.
(c) for context: decode every frame and convert every frame to RGB (what a naive reader does).
Wall time is noisy on a shared machine, so CPU time (all threads of this process) is printed too.
Then the peak RSS (VmHWM) of reading a short 4K clip with and without `max_size=640`, each in a fresh process.
"""
import argparse, subprocess, sys, tempfile, time
from pathlib import Path
import numpy as np, av
from dfdetect.video import read_frames, write_video, frame_indices, video_info

def synthetic(n, h, w, seed=0):
    "Frames with detail, motion and noise (a random texture panning over a gradient), like a camera pan"
    rng = np.random.default_rng(seed)
    tex = rng.integers(0, 256, ((h + 2*n)//8 + 1, (w + 3*n)//8 + 1, 3), np.uint8).repeat(8, 0).repeat(8, 1)
    grad = np.linspace(0, 96, w, dtype=np.float32)[None, :, None]
    for k in range(n):
        y, x = 2*k, 3*k  # a steady pan, no jump (a jump is a scene cut, where x264 would add a keyframe)
        noise = rng.integers(0, 8, (h, w, 1), np.uint8)  # sensor noise, so the bitrate is camera-like
        yield (tex[y:y+h, x:x+w]*0.6 + grad + noise).astype(np.uint8)

def frame_pts(path):
    "Presentation time of every frame, in order, from the container index (demux only)"
    with av.open(str(path)) as c: return sorted(p.pts for p in c.demux(video=0) if p.size)

def seek_per_frame(path, idx, pts):
    "Frames `idx` by seeking to each one's pts (backward to the keyframe before it) and decoding forward"
    out = []
    with av.open(str(path)) as c:
        s = c.streams.video[0]; s.thread_type = 'AUTO'
        for i in idx:
            c.seek(pts[i], stream=s, backward=True, any_frame=False)
            for f in c.decode(s):
                if f.pts >= pts[i]: break
            assert f.pts == pts[i], (i, f.pts, pts[i])
            out.append(f.to_ndarray(format='rgb24'))
    return np.stack(out)

def decode_all(path):
    "Decode and convert every frame to RGB, keeping nothing"
    with av.open(str(path)) as c:
        s = c.streams.video[0]; s.thread_type = 'AUTO'
        for f in c.decode(s): f.to_ndarray(format='rgb24')

def timed(f, *a, **k):
    "Result, wall seconds and CPU seconds of `f(*a, **k)`"
    w, c = time.perf_counter(), time.process_time()
    r = f(*a, **k)
    return r, time.perf_counter() - w, time.process_time() - c

MEM = '''import sys
from dfdetect.video import read_frames
mode = sys.argv[2]
nbytes = 0 if mode == 'none' else read_frames(sys.argv[1], n=32, max_size=None if mode == 'full' else int(mode))[0].nbytes
hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0].split()[1]
print(int(hwm)/1024, nbytes/2**20)'''

def peak_rss(path, mode):
    "Peak resident memory (MiB) of a fresh process that reads 32 frames of `path`, and the frames' size (MiB)"
    out = subprocess.run([sys.executable, '-c', MEM, str(path), mode], capture_output=True, text=True, check=True)
    return [float(x) for x in out.stdout.split()]

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--frames', type=int, default=300); ap.add_argument('--n', type=int, default=32)
    ap.add_argument('--repeats', type=int, default=3); ap.add_argument('--no-memory', action='store_true')
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp())
    clip = tmp/'clip1080.mp4'
    _, t, _ = timed(write_video, clip, synthetic(a.frames, 1080, 1920), crf=23, preset='veryfast', gop_size=250)
    with av.open(str(clip)) as c: keys = [i for i, p in enumerate(sorted((p for p in c.demux(video=0) if p.size),
                                                                         key=lambda p: p.pts)) if p.is_keyframe]
    print(f'clip: {video_info(clip)}, keyframes at {keys}, {clip.stat().st_size/2**20:.1f} MiB, encoded in {t:.0f} s')
    idx, pts = frame_indices(video_info(clip)['n_frames'], a.n), frame_pts(clip)
    res = {k: [] for k in 'abc'}
    for r in range(a.repeats):  # interleaved, so a burst of load elsewhere hits all three alike
        (fa, ia), *ta = timed(read_frames, clip, n=a.n); res['a'].append(ta)
        fb, *tb = timed(seek_per_frame, clip, idx, pts); res['b'].append(tb)
        _, *tc = timed(decode_all, clip); res['c'].append(tc)
        assert np.array_equal(ia, idx) and np.array_equal(fa, fb), 'sequential and seek readers disagree'
    best = {k: np.min(v, 0) for k, v in res.items()}  # best wall, best CPU
    print(f'{a.n} of {a.frames} frames (1920x1080), best of {a.repeats} runs; both readers return identical frames')
    names = {'a': 'read_frames (sequential)', 'b': 'seek per frame', 'c': f'decode+RGB all {a.frames} frames'}
    for k, name in names.items():
        print(f'  ({k}) {name:28s}: wall {best[k][0]:6.2f} s, CPU {best[k][1]:6.2f} s   '
              f'(wall runs: {", ".join(f"{w:.2f}" for w, _ in res[k])})')
    print(f'  {"ratio seek / sequential":32s}: wall {best["b"][0]/best["a"][0]:5.1f}x, CPU {best["b"][1]/best["a"][1]:5.1f}x')
    if a.no_memory: return
    clip4k = tmp/'clip4k.mp4'
    _, t, _ = timed(write_video, clip4k, synthetic(48, 2160, 3840), preset='ultrafast')
    print(f'4K clip: 48 frames 3840x2160, encoded in {t:.0f} s; read_frames(n=32), peak RSS of a fresh process:')
    base, _ = peak_rss(clip4k, 'none')
    print(f'  imports only     : {base:6.0f} MiB')
    for mode in ['640', 'full']:
        rss, arr = peak_rss(clip4k, mode)
        print(f'  max_size={mode:>4}   : {rss:6.0f} MiB (+{rss-base:4.0f} MiB over imports; the frames array is {arr:5.1f} MiB)')

if __name__ == '__main__': main()
