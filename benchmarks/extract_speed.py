"""End-to-end face extraction speed (dfdetect.extract) and a projection for the full DFDC.

1. The bundled sample, extracted end to end into a temporary run folder with the sample settings: time per video,
   split into decode / detect / crop (workers=0, so the split is not blurred by prefetching), then the wall time with
   prefetching threads.
2. A 1080p clip of ../shared/realdata (FaceForensics++ 750_743.mp4, 1920x1080, 311 frames) standing in for one DFDC
   video with the DFDC settings (32 frames, detection at max_size=960, 224-pixel crops): decode, detect, crop.
3. The projection for DFDC (119,154 videos x ~300 frames of 1080p), printed as a formula with the measured numbers.
4. With `--engines`: the single-process engine against the Ray Data engine (`--engine ray`, a local Ray on this
   machine's cores) on the sample and on every clip of ../shared/realdata's manifest, one after the other in this one
   command: wall times, their ratio, that the two indexes are equal, and the peak memory of each run (the process and
   all its children, sampled every 0.2 s: for Ray, the driver, raylet, GCS and every worker).

5. Decode CPU-seconds of the clip, every frame decoded vs unwanted non-reference frames skipped, and the projected
   hours of the Ray engine on N GPU machines (a projection from these numbers, labelled as such).

6. With `--ray-memory`: only a Ray extraction of every real clip, with the peak memory of its processes by name
   (Ray names a worker after what it runs), against the frames of one video of the largest size.

    python benchmarks/extract_speed.py [--device cpu] [--skip-sample] [--engines [--rd-frames 32]] [--ray-memory [--rd-frames 32]]
"""
import argparse, json, tempfile, time
from pathlib import Path
import numpy as np, torch
from dfdetect.core import realdata_root, get_device
from dfdetect.video import read_frames, video_info
from dfdetect.detect import MTCNN
from dfdetect.tracks import dets_table, link_tracks, crop_face
from dfdetect.extract import extract_faces, shrink, write_image, FACE_PARAMS, SAMPLE_PARAMS, _summary_line

N_DFDC, FRAMES_DFDC = 119_154, 300

def bench_sample(device):
    "Extract the sample twice in temporary run folders: inline decoding (for the split), then 2 prefetch threads"
    out = {}
    for workers in (0, 2):
        with tempfile.TemporaryDirectory() as d:
            s = extract_faces(None, d, device=device, workers=workers, progress=False)
        print(f'sample, workers={workers}: {_summary_line(s)}')
        out[workers] = s
    s, v = out[0], out[0]['videos']
    print(f"per video (workers=0): decode {s['decode_s']/v*1e3:.0f} ms, detect {s['detect_s']/v*1e3:.0f} ms "
          f"({s['detect_s']/max(s['detected'], 1)*1e3:.0f} ms per detected video, {s['detected']} of {v} detected), "
          f"crop {s['crop_s']/v*1e3:.0f} ms, total {s['seconds']/v*1e3:.0f} ms; with 2 prefetch threads "
          f"{out[2]['seconds']/v*1e3:.0f} ms")
    return out

def bench_clip(path, device, p=FACE_PARAMS, reps=2):
    "Decode / detect / crop one 1080p clip with the DFDC settings; best of `reps`"
    info = video_info(path)
    det = MTCNN(thresholds=p['thresholds'], min_face_size=p['min_face_size'], scale_factor=p['scale_factor'], device=device)
    best = {}
    with tempfile.TemporaryDirectory() as d:
        for _ in range(reps):
            t0 = time.perf_counter(); frames, idx = read_frames(path, n=p['n_frames']); t1 = time.perf_counter()
            small, s = shrink(frames, p['max_size'])
            dets = dets_table(det.detect(small), idx, s, frames.shape[2], frames.shape[1])
            tracks = link_tracks(dets, p['iou_thr'], len(idx), p['min_prob'], p['min_rel_size']); t2 = time.perf_counter()
            pos = {f: k for k, f in enumerate(idx.tolist())}
            for r in tracks.itertuples():
                write_image(crop_face(frames[pos[r.frame]], (r.x1, r.y1, r.x2, r.y2), p['margin'], p['size']), Path(d)/f'{r.track}_{r.frame}.jpg', p['quality'])
            t3 = time.perf_counter()
            cur = dict(decode=t1 - t0, detect=t2 - t1, crop=t3 - t2)
            best = {k: min(v, best.get(k, v)) for k, v in cur.items()}
    print(f"1080p clip {Path(path).name} ({info['width']}x{info['height']}, {info['n_frames']} frames; {len(idx)} sampled, "
          f"{tracks.track.nunique()} track(s), {len(tracks)} crops): decode {best['decode']:.2f} s, detect {best['detect']:.2f} s "
          f"({len(idx)/best['detect']:.1f} frames/s at {small.shape[2]}x{small.shape[1]}), crop {best['crop']:.3f} s")
    return best | dict(n_total=info['n_frames'], n_sampled=len(idx))

def real_fraction():
    "Fraction of REAL videos in DFDC's published 400-video train sample metadata (only originals are detected)"
    rd = realdata_root()
    f = rd/'DFDC'/'train_sample_videos_metadata.json' if rd else None
    if not f or not f.exists(): return 19_154/119_154, 'DFDC paper counts (19,154 REAL of 119,154)'
    m = json.loads(f.read_text())
    n = sum(e['label'] == 'REAL' for e in m.values())
    return n/len(m), f'{n} REAL of {len(m)} in DFDC train_sample_videos metadata.json'

def project(c, device, cores):
    fr, src = real_fraction()
    dec = c['decode']*FRAMES_DFDC/c['n_total']  # read_frames decodes every frame up to the last sampled one
    det_cpu, crop = c['detect'], c['crop']
    print(f'\n=== Projection for the full DFDC: {N_DFDC:,} videos x {FRAMES_DFDC} frames 1080p, {c["n_sampled"]} sampled frames each ===')
    print(f'assumptions: decode time scales with the frames decoded ({c["n_total"]} -> {FRAMES_DFDC}); MTCNN runs only on '
          f'originals, fraction f_real = {fr:.3f} ({src}); fakes reuse the boxes; one face per video as in this clip.')
    print(f'measured here ({device}, {cores} CPU cores shared with other jobs): t_decode = {dec:.2f} s/video, '
          f't_detect = {det_cpu:.2f} s/original, t_crop = {crop:.3f} s/video')
    cpu_h = N_DFDC*(dec + crop + fr*det_cpu)/3600
    print(f'CPU only, at the rates measured here: N*(t_decode + t_crop + f_real*t_detect)/3600 = {cpu_h:,.0f} hours')
    print('GPU: detection runs on the GPU at R frames/s (unknown here: no GPU; measure it with the detector benchmark);')
    print(f'     decoding + cropping run on the CPU, P videos at a time (prefetch threads, or one process per shard), each')
    print(f'     decoder as fast as this {cores}-core box (PyAV frame threads):')
    print(f'     GPU-hours = N*f_real*{c["n_sampled"]}/R/3600;   CPU wall-hours = N*(t_decode + t_crop)/P/3600 = '
          f'{N_DFDC*(dec + crop)/3600:,.0f}/P;   wall-hours ~ max of the two. For example:')
    for R in (250, 500, 1000, 2000):
        g = N_DFDC*fr*c['n_sampled']/R/3600
        print(f'       R = {R:5d} frames/s -> GPU-hours = {g:5.2f};  P = 8 (a 16-core box): CPU wall-hours = '
              f'{N_DFDC*(dec + crop)/8/3600:5.1f};  P = 32 (4 such boxes): {N_DFDC*(dec + crop)/32/3600:5.1f}')
    print('     -> decoding ~300 frames of 1080p per video, not MTCNN, bounds the run: shard it over CPU-rich machines')
    print('        (or decode on the GPU); the GPU detects only the originals and idles most of the time.')

def decode_cpu(path, n=32, reps=3):
    "CPU seconds (all threads) to sample `n` frames of `path`: every frame decoded (before) vs unwanted non-reference frames skipped"
    out = {}
    for mode, all_ in (('all frames', True), ('skipping', False)):
        ts = []
        for _ in range(reps):
            c = time.process_time(); read_frames(path, n=n, decode_all=all_); ts.append(time.process_time() - c)
        out[mode] = min(ts)
    print(f"decode CPU of {Path(path).name}, {n} frames: every frame decoded {out['all frames']:.2f} CPU-s, "
          f"non-reference frames skipped {out['skipping']:.2f} CPU-s ({out['all frames']/out['skipping']:.2f}x less)")
    return out

def project_cluster(c, dec_cpu, n_total, cores=16, gpus=1, machines=(1, 2, 4, 8, 16), rates=(500, 1000)):
    "Projected wall-hours of the Ray engine on N machines of `cores` CPUs and `gpus` GPUs each (a projection, not a measurement)"
    fr, _ = real_fraction()
    cpu = dec_cpu*FRAMES_DFDC/n_total + c['crop']  # CPU-seconds a video costs its decode task (decoding + cutting fakes)
    print(f'\n=== Projection, Ray engine on N machines of {cores} cores + {gpus} GPU (PROJECTED, not measured) ===')
    print(f'CPU-s per video (decoding {FRAMES_DFDC} frames of 1080p with skipping, measured here, + crop) = {cpu:.2f}; '
          f'decode tasks per machine = {cores - gpus} (one core each actor)')
    print(f'wall-hours = max(N_videos*cpu/(N*{cores - gpus}), N_videos*f_real*32/(R*N*{gpus})) / 3600, plus Ray startup (~1 min)')
    for n in machines:
        c_h = N_DFDC*cpu/(n*(cores - gpus))/3600
        g_h = {R: N_DFDC*fr*c['n_sampled']/(R*n*gpus)/3600 for R in rates}
        print(f'  N = {n:2d}: CPU side {c_h:5.2f} h; GPU side ' + ', '.join(f'{g:4.2f} h at R={R}' for R, g in g_h.items())
              + f' -> ~{max(c_h, *g_h.values()):.2f} h')

class PeakMemory:
    "Peak resident memory of this process and all its descendants (Ray's raylet, GCS, workers), sampled in a thread"
    def __init__(self, every=0.2): self.every, self.total, self.proc, self.name, self.by_name, self.private = every, 0, 0, '', {}, {}
    def sample(self):
        import psutil
        me = psutil.Process()
        ps = [me] + me.children(recursive=True)
        rss = {}
        for p in ps:
            try: m = p.memory_info(); rss[p.pid] = (m.rss, p.name()); own = m.rss - m.shared  # shared: the object store's pages, libraries
            except psutil.Error: continue
            self.private[rss[p.pid][1]] = max(self.private.get(rss[p.pid][1], 0), own)
        self.total = max(self.total, sum(r for r, _ in rss.values()))
        for r, n in rss.values(): self.by_name[n] = max(self.by_name.get(n, 0), r)
        pid, (r, n) = max(rss.items(), key=lambda kv: kv[1][0])
        if r > self.proc: self.proc, self.name = r, n
    def __enter__(self):
        import threading
        self.stop = threading.Event()
        def run():
            while not self.stop.wait(self.every): self.sample()
        self.t = threading.Thread(target=run, daemon=True); self.t.start(); return self
    def __exit__(self, *a): self.stop.set(); self.t.join()
    def __str__(self): return f'peak RSS {self.total/2**30:.2f} GiB in all, largest process {self.proc/2**30:.2f} GiB ({self.name})'
    def per_process(self, k=6, private=False):
        "The `k` largest peaks by process name (Ray names its workers after what they run): RSS, or RSS less shared pages"
        top = sorted((self.private if private else self.by_name).items(), key=lambda kv: -kv[1])[:k]
        return '; '.join(f'{n} {r/2**30:.2f} GiB' for n, r in top)

def bench_ray_memory(device, rd_frames):
    "Peak memory of a Ray extraction of every real clip of the manifest, per process: no worker should hold more than a few videos' frames"
    from dfdetect.data import read_manifest
    from dfdetect.extract_ray import extract_faces_ray, ray_init
    rd = realdata_root()
    if rd is None: raise SystemExit('--ray-memory needs ../shared/realdata')
    videos = read_manifest(rd)
    big = max((video_info(p) for p in videos.path), key=lambda i: i['width']*i['height'])
    one = min(rd_frames, big['n_frames'])*big['width']*big['height']*3
    with PeakMemory() as mem:
        t = time.perf_counter(); ray = ray_init(); t_init = time.perf_counter() - t
        with tempfile.TemporaryDirectory() as d:
            t = time.perf_counter(); s = extract_faces_ray(videos, Path(d)/'ray', device=device, progress=False, n_frames=rd_frames); dt = time.perf_counter() - t
    print(f'realdata ({len(videos)} clips), Ray with {ray.cluster_resources()["CPU"]:.0f} CPUs (started in {t_init:.1f} s): {dt:.1f} s wall | {_summary_line(s)}')
    print(f'{mem}; one video of the largest size ({big["width"]}x{big["height"]}) is {one/2**30:.2f} GiB of frames at {rd_frames} frames')
    print(f'largest peaks by process, RSS: {mem.per_process()}')
    print(f'largest peaks by process, RSS less shared pages (the object store\'s frames are shared): {mem.per_process(private=True)}')
    ray.shutdown()

def bench_engines(device, rd_frames):
    "Single-process vs Ray Data engine, one after the other, on the sample and on the real clips: wall time, equal indexes"
    import pandas as pd
    from dfdetect.core import load_table
    from dfdetect.data import read_manifest
    from dfdetect.extract_ray import extract_faces_ray, ray_init
    t = time.perf_counter(); ray = ray_init(); t_init = time.perf_counter() - t
    print(f'\n=== Engines: local Ray started in {t_init:.1f} s with {ray.cluster_resources()["CPU"]:.0f} CPUs (not counted below) ===')
    rd = realdata_root()
    cases = [('sample', None, {})]
    if rd is not None: cases.append((f'realdata ({rd.name}, manifest)', read_manifest(rd), dict(n_frames=rd_frames)))
    for name, data, kw in cases:
        out = {}
        with tempfile.TemporaryDirectory() as d:
            for eng, fn in (('local', extract_faces), ('ray', extract_faces_ray)):
                with PeakMemory() as mem:
                    t = time.perf_counter(); s = fn(data, Path(d)/eng, device=device, progress=False, **kw); dt = time.perf_counter() - t
                out[eng] = dt
                print(f'{name}, {eng:>5}: {dt:6.1f} s wall | {_summary_line(s)} | {mem}', flush=True)
            same = load_table(Path(d)/'local'/'faces'/'index.parquet').equals(load_table(Path(d)/'ray'/'faces'/'index.parquet'))
            fl, fr = (load_table(Path(d)/e/'faces'/'failures.parquet') for e in ('local', 'ray'))
            print(f'{name}: wall time ray/local = {out["ray"]/out["local"]:.2f}; indexes equal: {same}; '
                  f'failures equal: {fl.drop(columns="path").equals(fr.drop(columns="path"))} ({len(fl)} failed)', flush=True)
    ray.shutdown()

if __name__ == '__main__':
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--device', default='cpu'); ap.add_argument('--skip-sample', action='store_true')
    ap.add_argument('--clip', default=None, help='a 1080p clip; default realdata FaceForensics++ 750_743.mp4')
    ap.add_argument('--engines', action='store_true', help='only the single-process vs Ray Data comparison (section 4)')
    ap.add_argument('--rd-frames', type=int, default=8, help='frames per real clip in the engine comparison')
    ap.add_argument('--ray-memory', action='store_true', help='only a Ray extraction of the real clips, with its peak memory per process')
    a = ap.parse_args()
    if a.ray_memory: bench_ray_memory(str(get_device(a.device)), a.rd_frames); raise SystemExit
    if a.engines: bench_engines(str(get_device(a.device)), a.rd_frames); raise SystemExit
    dev = str(get_device(a.device))
    print(f'torch {torch.__version__}, device {dev}, {torch.get_num_threads()} torch threads')
    if not a.skip_sample: bench_sample(dev)
    clip = a.clip or (realdata_root()/'FaceForensics++'/'manipulated_sequences'/'Face2Face'/'c23'/'videos'/'750_743.mp4')
    bc = bench_clip(clip, dev)
    project(bc, dev, len(__import__('os').sched_getaffinity(0)))
    project_cluster(bc, decode_cpu(clip)['skipping'], bc['n_total'])
