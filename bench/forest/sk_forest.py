#!/usr/bin/python3
"""scikit-learn RandomForest peer for bench/forest: fit on TRAIN, score TEST, print one JSON line.
Categoricals are ordinal-encoded and missing values set to -1e9 (sklearn 1.2 forests reject NaN).
Usage: sk_forest.py TRAIN.csv TEST.csv TARGET TASK TREES MIN_SAMPLES_LEAF N_JOBS"""
import json, sys, time
import numpy as np, pandas as pd
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.metrics import roc_auc_score, mean_squared_error, accuracy_score

train_path, test_path, target, task, trees, leaf, jobs = sys.argv[1:8]
tr = pd.read_csv(train_path); te = pd.read_csv(test_path)
y_tr = tr.pop(target); y_te = te.pop(target)
for c in tr.columns:
    if tr[c].dtype == object or str(tr[c].dtype) == 'bool':
        cats = {v: i for i, v in enumerate(sorted(tr[c].dropna().astype(str).unique()))}
        tr[c] = tr[c].astype(str).map(cats).where(tr[c].notna())
        te[c] = te[c].astype(str).map(cats).where(te[c].notna())
X_tr = tr.astype(float).fillna(-1e9).to_numpy(); X_te = te.astype(float).fillna(-1e9).to_numpy()
kw = dict(n_estimators=int(trees), min_samples_leaf=int(leaf), n_jobs=int(jobs), random_state=1)
if task == 'regression':
    m = RandomForestRegressor(max_features=1.0, **kw)
else:
    m = RandomForestClassifier(max_features='sqrt', **kw)
t = time.perf_counter(); m.fit(X_tr, y_tr); fit_s = time.perf_counter() - t
best = float('inf')
for _ in range(3):
    t = time.perf_counter(); out = m.predict(X_te) if task == 'regression' else m.predict_proba(X_te); best = min(best, time.perf_counter() - t)
if task == 'regression': metric = float(np.sqrt(mean_squared_error(y_te, out)))
elif task == 'binary': metric = float(roc_auc_score((y_te == m.classes_[1]).astype(int), out[:, 1]))
else: metric = float(accuracy_score(y_te, m.classes_[out.argmax(1)]))
print(json.dumps({"fit_s": fit_s, "predict_rows_per_s": len(X_te) / best, "metric": metric, "train_rows": len(X_tr)}))
