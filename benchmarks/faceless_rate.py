"""Faceless clips per data set under the track rules before and after the faint-face rule, on one detection pass.

Each clip of a real-clip folder (../shared/realdata by default) is decoded and MTCNN runs once on its sampled frames
(the extraction settings: FACE_PARAMS, or the options below); `link_tracks` then applies the old rule
(`faint_prob=None`: a track needs a mean probability >= min_prob) and the new one (when no track reaches it, the
likeliest steady track is kept). Prints, per data set, the share of clips left without a face under each rule, and
how many clips that had a face gained or lost a track (background boxes added would show there).

    python benchmarks/faceless_rate.py                       # 8 frames, max_size 960
    python benchmarks/faceless_rate.py --n-frames 32 --max-size 640
"""
import time
from fastcore.script import call_parse


@call_parse
def main(root:str=None, # a real-clip folder with manifest.csv (default ../shared/realdata)
         n_frames:int=8, # frames per clip
         max_size:int=None, # longest side MTCNN sees (default FACE_PARAMS')
        ):
    "Faceless rate per data set, old vs faint-face track rule"
    import pandas as pd, torch
    from dfdetect.core import realdata_root
    from dfdetect.data import read_realdata
    from dfdetect.video import read_frames
    from dfdetect.extract import FACE_PARAMS, make_detector, shrink
    from dfdetect.tracks import dets_table, link_tracks
    p = FACE_PARAMS | ({'max_size': max_size} if max_size else {})
    videos = read_realdata(root or realdata_root())
    det, rows, t0 = make_detector(p, 'cpu'), [], time.time()
    for r in videos.itertuples():
        try: frames, idx = read_frames(r.path, n=n_frames)
        except Exception as e: rows.append(dict(dataset=r.dataset, video=r.video, error=str(e))); continue
        small, s = shrink(frames, p['max_size'])
        d = dets_table(det.detect(small), idx, s, frames.shape[2], frames.shape[1])
        rule = lambda fp: link_tracks(d, p['iou_thr'], len(idx), p['min_prob'], p['min_rel_size'], fp, p['faint_cover']).track.nunique()
        rows.append(dict(dataset=r.dataset, video=r.video, old=rule(None), new=rule(p['faint_prob'])))
    df = pd.DataFrame(rows)
    t = df.groupby('dataset').agg(clips=('video', 'size'), faceless_before=('old', lambda s: (s == 0).mean()),
                                  faceless_after=('new', lambda s: (s == 0).mean()),
                                  tracks_changed_where_a_face_was=('old', lambda s: 0))
    t['tracks_changed_where_a_face_was'] = df[df.old > 0].assign(ch=lambda x: x.old != x.new).groupby('dataset').ch.sum().reindex(t.index, fill_value=0)
    print(t.round(3).to_string())
    print(f"all: {len(df)} clips, faceless before {(df.old == 0).mean():.3f}, after {(df.new == 0).mean():.3f}; "
          f"{n_frames} frames, max_size {p['max_size']}, {time.time() - t0:.0f} s")
