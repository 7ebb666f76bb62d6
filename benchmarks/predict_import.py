"""Benchmark: what `import dfdetect.predict` costs, and the wall time of `dfdetect-predict` on one video, before / after.

Run: `python benchmarks/predict_import.py [--before 2313bae] [--after REV] [--reps 3] [--video FILE] [--n_frames 32]`
"before" is the library of commit `--before`, checked out with `git worktree add --detach` into a temporary folder
(removed at the end); "after" is the library of this checkout, or of commit `--after` checked out the same way. Every measure runs in a fresh interpreter
(`PYTHONPATH` = the tree), alternating before / after `--reps` times in this one command, and the median is kept:
  import_s:  wall time of `import dfdetect.predict` (inside the process, after Python has started);
  rss_mb:    resident memory (ru_maxrss) of that process after the import;
  modules:   entries of `sys.modules` after the import, and whether `fastai` / `dfdetect.train` are among them;
  predict_s: wall time of the whole `dfdetect-predict VIDEO --device cpu` process (start, import, model load, one video).
The model is an untrained `tf_efficientnet_lite0` at 224 px (its ImageNet weights ship in a package; speed does not
depend on the weights), saved once by the "before" library so that both libraries load the same folder.
The video: `--video`, else the first video of the bundled sample (made in the cache if missing).
On a shared machine every number is inflated by the other processes: compare the two columns, not the absolute values.
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

IMPORT = r'''
import time, sys, resource
t = time.perf_counter()
import dfdetect.predict
s = time.perf_counter() - t
import json
print(json.dumps(dict(file=dfdetect.__file__, import_s=s, rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024, modules=len(sys.modules),
                      fastai='fastai' in sys.modules, train='dfdetect.train' in sys.modules,
                      dfdetect=sorted(m for m in sys.modules if m.startswith('dfdetect.')))))
'''

def predict_script(tree:Path) -> str:
    "What `tree`'s dfdetect-predict entry point runs, as a script (the command moved from dfdetect.predict to dfdetect.predict_ray)"
    import tomllib
    mod, fn = tomllib.loads((tree/'pyproject.toml').read_text())['project']['scripts']['dfdetect-predict'].split(':')
    return f'from {mod} import {fn}\n{fn}()\n'

MODEL = r'''
import sys
from pathlib import Path
from dfdetect.models import build_model, model_config, save_model
save_model(build_model('tf_efficientnet_lite0', pretrained=True), model_config('tf_efficientnet_lite0', 'rgb', 224), Path(sys.argv[1]))
'''

def run(tree, args, cwd):
    "Python with `args` in a fresh process that imports dfdetect from `tree` (cwd elsewhere: `-c` puts the cwd first on sys.path)"
    env = dict(os.environ, PYTHONPATH=str(tree))
    r = subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, cwd=cwd)
    if r.returncode: sys.exit(f'{tree}: {args[:2]} failed ({r.returncode}):\n{r.stderr[-3000:]}')
    return r

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--before', default='2313bae'); ap.add_argument('--after', default=None); ap.add_argument('--reps', type=int, default=3)
    ap.add_argument('--video', default=None); ap.add_argument('--n_frames', type=int, default=32)
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix='predict_import-'))
    trees = dict(before=tmp/'before', after=tmp/'after' if a.after else ROOT)
    for name, rev in (('before', a.before), ('after', a.after)):
        if rev: subprocess.run(['git', '-C', str(ROOT), 'worktree', 'add', '--detach', str(trees[name]), rev], check=True, capture_output=True)
    before = trees['before']
    try:
        video = a.video or run(ROOT, ['-c', 'from dfdetect.sample import sample_root; '
                                      'print(sorted(sample_root().glob("*/*.mp4"))[0])'], tmp).stdout.strip()
        model, scripts = tmp/'model', {name: tmp/f'dfdetect_predict_{name}.py' for name in trees}
        for name, tree in trees.items(): scripts[name].write_text(predict_script(tree))
        run(before, ['-c', MODEL, str(model)], tmp)
        res = {k: [] for k in trees}
        for r in range(a.reps):
            for name, tree in trees.items():
                imp = json.loads(run(tree, ['-c', IMPORT], tmp).stdout)
                t = time.perf_counter()
                run(tree, [str(scripts[name]), video, '--model', str(model), '--device', 'cpu', '--n-frames', str(a.n_frames),
                           '--out', str(tmp/f'{name}{r}')], tmp)
                imp['predict_s'] = time.perf_counter() - t
                assert Path(imp['file']).is_relative_to(tree), f"{name}: imported {imp['file']}, not {tree}"
                res[name].append(imp)
                print(f"rep {r} {name:>6}: import {imp['import_s']:.2f} s, RSS {imp['rss_mb']:.0f} MB, {imp['modules']} modules, "
                      f"fastai {imp['fastai']}, train {imp['train']}; dfdetect-predict {imp['predict_s']:.2f} s; "
                      f"load {os.getloadavg()[0]:.1f}", flush=True)
        p = {n: json.loads((tmp/f'{n}0.json').read_text()) for n in trees}
        print(f'video {video}, {a.n_frames} frames, P(FAKE) before {p["before"][0]["prob"]:.4f} after {p["after"][0]["prob"]:.4f}')
        med = {n: {k: statistics.median(x[k] for x in rs) for k in ('import_s', 'rss_mb', 'modules', 'predict_s')} for n, rs in res.items()}
        print(f"{'median of ' + str(a.reps):>14} {'before':>10} {'after':>10} {'after/before':>13}")
        for k in ('import_s', 'rss_mb', 'modules', 'predict_s'):
            print(f"{k:>14} {med['before'][k]:>10.2f} {med['after'][k]:>10.2f} {med['after'][k]/med['before'][k]:>13.2f}")
        for n in trees: print(f"{n}: dfdetect modules after the import: {' '.join(m.split('.', 1)[1] for m in res[n][0]['dfdetect'])}")
    finally:
        for t in trees.values():
            if t != ROOT: subprocess.run(['git', '-C', str(ROOT), 'worktree', 'remove', '--force', str(t)], capture_output=True)

if __name__ == '__main__': main()
