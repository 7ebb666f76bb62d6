"""The numbers of a real-data run (configs/realdata.yaml): faceless rate per data set, and video-level AUC / log loss
per data set on the test set for each final model, beside the sample-trained model scored on the same test clips.

    dfdetect-run --config configs/realdata.yaml && python benchmarks/realdata_report.py --run-dir runs/realdata

The sample-trained model is the sample run's final tf_efficientnet_lite0 (trained when missing, as every stage does):
it saw 18 synthetic clips of 3 identities. AUC is NaN for a data set whose test clips hold one label only.
"""
import json
from pathlib import Path
from fastcore.script import call_parse


@call_parse
def main(run_dir:str='runs/realdata', # the real-data run folder
         strategy:str='mean', # frame -> track strategy of the video score
        ):
    "Faceless rate and per-data-set test metrics of a real-data run, with the sample-trained model beside"
    import pandas as pd
    from dfdetect.core import load_table, get_run_dir
    from dfdetect.evaluate import compare, metrics_by, judged_videos, load_preds
    from dfdetect.models import load_model, predict_crops
    from dfdetect.ensure import ensure_models
    pd.set_option('display.width', 220)
    rd = Path(run_dir).resolve()
    videos, fails = load_table(rd/'videos.parquet'), load_table(rd/'faces'/'failures.parquet')
    fr = videos.assign(faceless=videos.video.isin(fails.video)).groupby('dataset').agg(clips=('video', 'size'), faceless=('faceless', 'mean'))
    print('faceless rate per data set (this run):'); print(fr.round(3).to_string()); print()
    test = judged_videos(videos, load_table(rd/'splits.parquet'), 'test')
    preds = load_preds(rd, 'test')
    idx = load_table(rd/'faces'/'index.parquet')
    tc = idx[idx.video.isin(test.video)]
    sample_dir = [d for d in ensure_models() if d.parent.name == 'tf_efficientnet_lite0'][0]
    net, cfg = load_model(sample_dir, 'cpu')
    sp = tc[['crop', 'video', 'track', 'frame', 'label']].assign(prob=predict_crops(net, cfg, [str(rd/'faces'/c) for c in tc.crop]),
                                                                   model='sample-trained lite0')
    allp = pd.concat([preds, sp], ignore_index=True)
    tab, vs = compare(allp, test, (strategy,), (None,), fails)
    print(f'test set: {len(test)} clips ({(test.label == "FAKE").sum()} FAKE), strategy {strategy}')
    print(tab[['model', 'n', 'n_fake', 'log_loss', 'roc_auc', 'accuracy', 'n_default']].round(3).to_string(index=False)); print()
    by = metrics_by(vs, 'dataset')
    print(by.pivot_table(index='dataset', columns='model', values=['roc_auc', 'log_loss'])[['roc_auc', 'log_loss']].round(3).to_string())
    print(by.groupby('dataset')[['n', 'n_fake']].first().to_string())
    for f in sorted((rd/'models').glob('*/full/metrics.json')):
        m = json.loads(f.read_text()); print(f"{m['model']}: {m['n_train']} training items, {m['seconds']} s, {m['img_s']} img/s")
