"""Peer for bench/monitor: the same drift statistics with numpy/scipy (what the seeds' Python monitors do).

Usage: python3 peer.py TRAIN.csv LIVE.csv REPEATS -> JSON {"median_s": ..., "psi": {...}}
Per numeric column: decile edges of the training values, PSI of the live values in those bins,
scipy.stats.ks_2samp(train, live); per categorical column: PSI and scipy.stats.chisquare.
Only the computation is timed (the CSVs are read first)."""
import json, sys, time
import numpy as np
import pandas as pd
from scipy import stats

train = pd.read_csv(sys.argv[1])
live = pd.read_csv(sys.argv[2])
repeats = int(sys.argv[3])

def psi(ref, cur):
    e = np.where(ref == 0, 1e-4, ref / ref.sum()); a = cur / cur.sum(); a = np.where(a == 0, 1e-4, a)
    return float(np.sum((a - e) * np.log(a / e)))

def run():
    out = {}
    for col in train.columns:
        t = train[col].dropna(); l = live[col].dropna()
        if t.dtype.kind in 'fi':
            edges = np.unique(np.quantile(t, np.linspace(0.1, 0.9, 9)))
            ref = np.bincount(np.searchsorted(edges, t, side='left'), minlength=len(edges) + 1)
            cur = np.bincount(np.searchsorted(edges, l, side='left'), minlength=len(edges) + 1)
            out[col] = (psi(ref, cur), float(stats.ks_2samp(t, l).pvalue))
        else:
            cats = sorted(set(t))
            ref = t.value_counts().reindex(cats, fill_value=0).to_numpy(float)
            cur = l.value_counts().reindex(cats, fill_value=0).to_numpy(float)
            exp = ref / ref.sum() * cur.sum()
            out[col] = (psi(ref, cur), float(stats.chisquare(cur, exp).pvalue))
    return out

times = []
for _ in range(repeats):
    t0 = time.perf_counter(); res = run(); times.append(time.perf_counter() - t0)
print(json.dumps({"median_s": sorted(times)[len(times) // 2], "psi": {k: v[0] for k, v in res.items()}}))
