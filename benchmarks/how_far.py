"""How far training goes on 2 CPU cores: learning curves of real vs sbi vs both (see nbs/15_how_far.ipynb).

Runs `dfdetect.curves.how_far` on the crops and splits of a run folder (made by the chain, e.g.
`dfdetect-run --config configs/realdata.yaml`), one model per source of fakes on the same split and seed, scoring
after every epoch: (a) self-blends of held-out reals, (b) held-out identities of the focus data set, (c) data sets
left out of training. Prints the curves, the seconds per epoch (the input of configs/dfdc_sbi.yaml's projection) and
the conclusion generated from the numbers; writes RUN/how_far/curves.csv (numbers only; no pixels).

    nice -n 10 python benchmarks/how_far.py --run-dir runs/realdata                  # ~25 min on 2 shared cores
    python benchmarks/how_far.py --run-dir runs/realdata --epochs 2 --img-size 64     # a quick look
    python benchmarks/how_far.py --modes real --input-modes y,rgb+y,ycbcr,y_highpass --out runs/realdata/how_far_luminance
        # the luminance question of 09_luminance_benefit on the real clips: fakes=real, one model per input mode
    nice -n 5 python benchmarks/how_far.py --modes sbi --epochs 12 --max-minutes 55 --out runs/realdata/how_far_sbi
        # the SBI recipe alone (paired batches, the paper's after-blend augmentations) within an hour of 2 CPU cores
    python benchmarks/how_far.py --params configs/detector_gpu.yaml --device cuda --save-models --export
        # the device job's training (benchmarks/gpu_detector.sh): the knobs of a parameters file, models exported
Intervals resample identity groups (the splits' groups), pairs of models are compared by a paired bootstrap of the
difference on the same clips, and each unseen data set is its own set (c_<data set>).
"""
import time, json
from pathlib import Path
from fastcore.script import call_parse


@call_parse
def main(run_dir:str='runs/realdata', # a run folder with faces/ and splits.parquet (configs/realdata.yaml's)
         out:str=None, # where curves.csv goes (default RUN/how_far)
         modes:str='real,sbi,both', # sources of fakes compared (rgb input); '' for none
         input_modes:str='', # also: one fakes=real model per input mode here (luminance.INPUT_MODES, e.g. 'y,rgb+y')
         heldout_folds:str='-1,0', # folds held out of training
         unseen:str='Celeb-DF-v2,DeeperForensics-1.0', # data sets left out of training
         focus:str='FaceForensics++', # set (b): the held-out clips of this data set
         arch:str='tf_efficientnet_lite0',
         img_size:int=128, # 224 cannot bend a curve in 25 CPU-minutes here; 128 can try
         epochs:int=4, # epochs after one frozen epoch
         max_per_video:int=8, # training crops per clip
         bs:int=32,
         lr:float=2e-3,
         n_boot:int=1000,
         seed:int=0,
         device:str='auto',
         max_minutes:float=None, # each model's training-time budget: it stops after the epoch that passes it
         params:str=None, # a YAML file whose `train:` mapping sets TrainParams knobs (over the options above) and may set modes, unseen, focus, heldout_folds
         save_models:bool=False, # keep each trained model in OUT/models/<name>
         export:bool=False, # also export each model to OUT/export/<name> (safetensors + ONNX, parity-checked); implies --save-models
         input_fakes:str='real', # the fakes of the --input-modes models
         smoke:bool=False, # the same path tiny (32 px, 1 epoch, 2 crops a clip, 50 resamples): a check that it runs, not a measurement
         knobs:str=None, # TrainParams overrides applied last, over --params: "epochs=1 num_workers=0"
        ):
    "Learning curves of real / sbi / both on a run's crops, with bootstrap intervals and a generated conclusion"
    import torch, pandas as pd
    from dfdetect.train import training_crops
    from dfdetect.curves import how_far, conclusion, plot_curves
    from dfdetect.core import save_fig
    pd.set_option('display.width', 200)
    rd = Path(run_dir).resolve()
    if not (rd/'faces'/'index.parquet').exists():   # the splits are made from it when missing (training_crops)
        raise SystemExit(f'{rd}: no faces/index.parquet; run dfdetect-run --config configs/realdata.yaml first')
    crops = training_crops(rd)
    extra, knobs = knobs, dict(arch=arch, img_size=img_size, epochs=epochs, freeze_epochs=1, max_per_video=max_per_video, bs=bs,
                               lr=lr, ps=0.25, seed=seed, num_workers=0)
    if params:  # a dfdetect-run config: its train section's TrainParams knobs
        from dfdetect.core import load_params
        from dfdetect.hparams import TrainParams
        knobs.update({k: v for k, v in (load_params(params).get('train') or {}).items() if k in TrainParams.names()})
    if smoke: knobs.update(img_size=32, epochs=1, freeze_epochs=0, max_per_video=2, bs=8, num_workers=0); n_boot, max_minutes = 50, None
    if extra:
        from dfdetect.core import parse_set
        for kv in extra.split(): _, k, v = parse_set(kv); knobs[k] = v
    print(f'torch threads {torch.get_num_threads()}; {crops.video.nunique()} clips, {len(crops)} crops; knobs {knobs}')
    t0 = time.time()
    models = [m for m in modes.split(',') if m] + [{'input_mode': m, 'fakes': input_fakes} for m in input_modes.split(',') if m]
    out = Path(out) if out else rd/'how_far'
    curves = how_far(crops, out, models, [int(k) for k in heldout_folds.split(',')], unseen.split(',') if unseen else [],
                     focus or None, device, n_boot, max_minutes, save_models or export, **knobs)
    print(curves.pivot_table(index=['model', 'epoch', 'train_s', 'train_loss'], columns='eval', values=['auc', 'lo', 'hi']).round(3).to_string())
    last = curves[curves.epoch == curves.groupby('model').epoch.transform('max')]
    print(last[['model', 'eval', 'n', 'n_fake', 'n_groups', 'n_eff_fake', 'n_eff_real', 'auc', 'lo', 'hi', 'log_loss', 'stopped_by']].round(3).to_string(index=False))
    per = (curves.groupby('model').train_s.max()/curves.groupby('model').epoch.max()).round(1)
    print('seconds per epoch (training only):', per.to_dict(), '| n_train crops per epoch:', curves.groupby('model').n_train.first().to_dict())
    print(f'wall {time.time() - t0:.0f} s')
    from dfdetect.core import load_table
    print('\n'.join(conclusion(curves, load_table(out/'scores.parquet') if (out/'scores.parquet').exists() else None)))
    if export:
        from dfdetect.export import export_model
        for m in sorted((out/'models').iterdir()):
            meta = export_model(m, out/'export'/m.name, 'safetensors,onnx')
            print(f"exported {m.name} -> {out/'export'/m.name} (parity {meta.get('parity')})")
    save_fig(plot_curves(curves), f'how_far_realdata_curves{"_luminance" if input_modes else ""}.png', research=True)   # kept in the cache, never Imagens/
