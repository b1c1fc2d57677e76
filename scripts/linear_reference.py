#!/usr/bin/python3
"""Reproduces the `linear` reference column of /work/shared/datasets/README.md with scikit-learn,
to pin down its exact preprocessing, and times it in the same run as scripts/linear_quality.ts.

Preprocessing that reproduces every reference number (checked 2026-11-23, sklearn 1.2.1, pandas 1.5.3):
  object columns  -> SimpleImputer(most_frequent) -> OneHotEncoder(handle_unknown='ignore')
  other columns   -> SimpleImputer(mean) -> StandardScaler
  model           -> LogisticRegression(max_iter=1000) (binary/multiclass) or Ridge() (regression)
(median imputation gives credit_data 0.8557 instead of 0.8546; everything else is unchanged.)
Note pandas 1.5 reads the text "None" as a category (ames), while modelyard's reader treats it as missing.

Usage: /usr/bin/python3 scripts/linear_reference.py [--data DIR] [--impute mean|median] [--indicator] [--json]
"""
import argparse, json, time, warnings
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, mean_squared_error, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

SETS = ['mlc_churn', 'credit_data', 'lending_club', 'attrition', 'penguins', 'diamonds', 'ames']


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', default='/work/shared/datasets')
    ap.add_argument('--impute', default='mean')
    ap.add_argument('--indicator', action='store_true')
    ap.add_argument('--json', action='store_true', help='print one JSON document instead of the table')
    a = ap.parse_args()
    warnings.simplefilter('ignore')
    rows = []
    if not a.json:
        print('| data set | task | metric | sklearn | fit s | iterations |')
        print('|---|---|---|---|---|---|')
    for s in SETS:
        meta = dict(l.strip().split('=') for l in open(f'{a.data}/{s}/meta.txt') if '=' in l)
        tr = pd.read_csv(f'{a.data}/{s}/train.csv')
        te = pd.read_csv(f'{a.data}/{s}/test.csv')
        t, task = meta['target'], meta['task']
        tr, te = tr[tr[t].notna()], te[te[t].notna()]
        Xtr, Xte = tr.drop(columns=[t]), te.drop(columns=[t])
        cat = [c for c in Xtr.columns if Xtr[c].dtype == object]
        num = [c for c in Xtr.columns if c not in cat]
        pre = ColumnTransformer([
            ('num', make_pipeline(SimpleImputer(strategy=a.impute, add_indicator=a.indicator), StandardScaler()), num),
            ('cat', make_pipeline(SimpleImputer(strategy='most_frequent', add_indicator=a.indicator), OneHotEncoder(handle_unknown='ignore')), cat),
        ])
        model = Ridge() if task == 'regression' else LogisticRegression(max_iter=1000)
        pipe = make_pipeline(pre, model)
        t0 = time.perf_counter()
        pipe.fit(Xtr, tr[t])
        fit_s = time.perf_counter() - t0
        if task == 'regression':
            metric, score = 'rmse', mean_squared_error(te[t], pipe.predict(Xte)) ** 0.5
        elif task == 'binary':
            metric, score = 'roc_auc', roc_auc_score(te[t] == pipe.classes_[1], pipe.predict_proba(Xte)[:, 1])
        else:
            metric, score = 'accuracy', accuracy_score(te[t], pipe.predict(Xte))
        iters = getattr(model, 'n_iter_', None)
        iters = None if iters is None else int(max(iters))
        rows.append({'set': s, 'task': task, 'metric': metric, 'score': score, 'fit_s': fit_s, 'iterations': iters})
        if not a.json:
            print(f'| {s} | {task} | {metric} | {score:.4f} | {fit_s:.2f} | {"" if iters is None else iters} |')
    if a.json:
        print(json.dumps({'sklearn_rows': rows}))


if __name__ == '__main__':
    main()
