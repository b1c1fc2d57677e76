/**
 * The boosting loop (Friedman, "Greedy function approximation", 2001, with Newton steps as in
 * XGBoost, KDD 2016 §2.2): per round, gradients of the loss at the current scores, one tree per
 * score column grown on their histograms, scores updated with the shrunk leaf values; early
 * stopping on the validation rows keeps the best round (XGBoost's `early_stopping_rounds`).
 */
import { availableParallelism } from 'node:os';
import { ModelyardError } from '../../errors.js';
import { Rng } from '../../util/random.js';
import { Binner } from '../binning/binner.js';
import type { TrainSet } from '../types.js';
import { addTreeBinned, ForestBuilder, type ForestArrays } from './forest.js';
import { TreeGrower, type GrowConfig } from './grow.js';
import { HistPool } from './hist-pool.js';
import { histLength, quantLevels, quantShift, rowWords, toRowMajor } from './histogram.js';
import { makeObjective, type ObjectiveName } from './objectives.js';
import type { GbdtParams } from './params.js';
import type { FeatureLayout } from './split.js';

/** Data sets smaller than this (rows × features) train on one thread: a worker costs ~30 ms to start. */
const MIN_PARALLEL_CELLS = 2_000_000;
/** `quantized_gradients: 'auto'` turns quantised histograms on from this many training rows. */
const QUANT_AUTO_ROWS = 200_000;

export interface BoostResult {
  objective: ObjectiveName;
  K: number;
  base: Float64Array;
  forest: ForestArrays;
  importanceGain: Float64Array;
  importanceSplit: Float64Array;
  /** Rounds kept (best round with early stopping). */
  rounds: number;
  /** Validation loss per round (empty without validation rows). */
  validLoss: number[];
  threads: number;
}

/** Row weights: sample weights × class weights × scale_pos_weight. */
export function rowWeights(train: TrainSet, p: Readonly<GbdtParams>): Float64Array {
  const n = train.y.length;
  const w = train.weights ? Float64Array.from(train.weights) : new Float64Array(n).fill(1);
  if (train.task === 'regression') return w;
  const k = train.nClasses;
  if (p.class_weight === 'balanced') {
    const count = new Float64Array(k);
    for (let i = 0; i < n; i++) count[train.y[i]]++;
    for (let i = 0; i < n; i++) w[i] *= n / (k * count[train.y[i]]);
  }
  if (train.task === 'binary' && p.scale_pos_weight !== 1) for (let i = 0; i < n; i++) if (train.y[i] === 1) w[i] *= p.scale_pos_weight;
  return w;
}

export function boost(train: TrainSet, p: Readonly<GbdtParams>): BoostResult {
  const frame = train.frame;
  const n = frame.nRows;
  const F = frame.columns.length;
  const y = train.y;
  const w = rowWeights(train, p);
  const objective = makeObjective(train.task, train.nClasses, p.objective, p.huber_delta);
  if (train.task !== 'regression' && p.objective !== 'auto') {
    throw new ModelyardError('PARAM_INVALID', `gbdt: objective "${p.objective}" is for regression; ${train.task} uses log loss`, { flag: 'objective' });
  }
  const K = objective.K;

  const binner = Binner.fit(frame, { maxBins: p.max_bins, maxCategories: p.max_categories, seed: train.seed });
  // In shared memory: partitions of large leaves run on both threads (hist-pool.ts).
  const colBins = new Uint8Array(new SharedArrayBuffer(n * F));
  colBins.set(binner.transform(frame).bins);
  const layout: FeatureLayout = {
    nFeatures: F,
    nBins: Int32Array.from(binner.features, (f) => f.nBins),
    isCat: Uint8Array.from(binner.features, (f) => (f.kind === 'categorical' ? 1 : 0)),
  };
  const missBins = Int32Array.from(binner.features, (f) => f.missingBin);

  const words = rowWords(F);
  const rowBinsBuf = new SharedArrayBuffer(n * words * 4);
  toRowMajor(colBins, n, F, new Uint8Array(rowBinsBuf));
  const ghBuf = new SharedArrayBuffer(n * 2 * 4);
  const rowsBuf = new SharedArrayBuffer(n * 4);
  const levels = p.quantized_gradients === 'off' || (p.quantized_gradients === 'auto' && n < QUANT_AUTO_ROWS) ? 0 : quantLevels(n);
  const pkBuf = new SharedArrayBuffer(levels > 0 ? n * 8 : 8);
  const pk = new Float64Array(pkBuf);
  const shift = levels > 0 ? quantShift(levels, n) : 1;
  let qState = (train.seed * 0x9e3779b1) | 1;
  const gh = new Float32Array(ghBuf);
  const rows = new Int32Array(rowsBuf);
  const wantThreads = Math.max(1, Math.min(2, train.threads ?? availableParallelism()));
  // MODELYARD_GBDT_MIN_PARALLEL_CELLS lowers the threshold (tests exercise the worker on small data).
  const minCells = Number(process.env.MODELYARD_GBDT_MIN_PARALLEL_CELLS ?? MIN_PARALLEL_CELLS);
  const scoresBuf = new SharedArrayBuffer(n * K * 8);
  // Binary gradients run on both threads (hist-pool.ts): targets and weights in shared memory.
  const binary = objective.name === 'binary';
  const yBuf = new SharedArrayBuffer(binary ? n * 8 : 8);
  const wBuf = new SharedArrayBuffer(binary ? n * 8 : 8);
  if (binary) {
    new Float64Array(yBuf).set(y);
    new Float64Array(wBuf).set(w);
  }
  const pool = new HistPool(
    {
      rowBins: rowBinsBuf,
      words,
      gh: ghBuf,
      rows: rowsBuf,
      pk: pkBuf,
      histLength: histLength(F),
      colBins: colBins.buffer as SharedArrayBuffer,
      tmp: new SharedArrayBuffer(n * 4),
      flags: new SharedArrayBuffer(256),
      leafRanges: new SharedArrayBuffer(p.max_leaves * 8),
      leafVals: new SharedArrayBuffer(p.max_leaves * 16),
      scores: scoresBuf,
      y: yBuf,
      w: wBuf,
      quant: new SharedArrayBuffer(64),
    },
    n * F >= minCells ? wantThreads : 1,
  );

  const cfg: GrowConfig = {
    maxLeaves: p.max_leaves,
    maxDepth: p.max_depth,
    learningRate: p.learning_rate,
    l1: p.l1,
    l2: p.l2,
    minChildWeight: p.min_child_weight,
    minSamplesLeaf: p.min_samples_leaf,
    minSplitGain: p.min_split_gain,
    maxCatThreshold: p.max_cat_threshold,
    maxCatToOnehot: p.max_cat_to_onehot,
    catSmooth: p.cat_smooth,
    catL2: p.cat_l2,
    minDataPerGroup: p.min_data_per_group,
  };
  const grower = new TreeGrower(cfg, layout, pool, colBins, n, rows, gh);
  const forest = new ForestBuilder(binner);

  const base = objective.initScores(y, w);
  const scores = new Float64Array(scoresBuf);
  for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) scores[i * K + k] = base[k];

  const valid = train.valid && train.valid.frame.nRows > 0 ? train.valid : undefined;
  const vn = valid ? valid.frame.nRows : 0;
  const validBins = valid ? binner.transform(valid.frame.select(frame.names)).bins : new Uint8Array(0);
  const validScores = new Float64Array(vn * K);
  for (let i = 0; i < vn; i++) for (let k = 0; k < K; k++) validScores[i * K + k] = base[k];
  const stopAfter = valid ? p.early_stopping_rounds : 0;

  const rng = new Rng(train.seed);
  const featureMask = new Uint8Array(F).fill(1);
  const outRows = new Int32Array(p.subsample < 1 ? n : 0);
  // Importance per round, summed over the rounds kept (early stopping drops the rest).
  const roundGain = new Float64Array(p.rounds * F);
  const roundSplit = new Float64Array(p.rounds * F);
  const validLoss: number[] = [];
  let bestLoss = Infinity;
  let bestRound = 0;

  const threads = pool.threads;
  try {
    for (let round = 0; round < p.rounds; round++) {
      // Row subsample for the round (Friedman's stochastic gradient boosting, 2002), seeded.
      let m = n;
      let nOut = 0;
      if (p.subsample < 1) {
        m = 0;
        for (let i = 0; i < n; i++) {
          if (rng.next() < p.subsample) m++;
          else outRows[nOut++] = i;
        }
      }
      objective.prepare(scores, n);
      for (let k = 0; k < K; k++) {
        if (binary) pool.binaryGradients(n);
        else objective.gradients(scores, y, w, k, gh);
        if (p.subsample < 1) {
          for (let i = 0, j = 0, o = 0; i < n; i++) {
            if (o < nOut && outRows[o] === i) o++;
            else rows[j++] = i;
          }
        } else for (let i = 0; i < n; i++) rows[i] = i;
        if (p.colsample < 1) sampleFeatures(rng, F, p.colsample, featureMask);
        if (levels > 0) {
          // Quantised gradients (quantize.ts), both threads; the seeded rounding stream continues across trees.
          const [gScale, hScale, st] = pool.quantize(n, levels, shift, qState | 0 || 1);
          qState = st;
          pool.setQuantized(true, shift, gScale, hScale);
        }
        const tree = grower.grow(m, featureMask, levels > 0);
        forest.add(tree);
        // Scores of the rows the tree was grown on: leaf by leaf on both threads.
        for (let l = 0; l < tree.nLeaves; l++) {
          pool.leafRanges[2 * l] = tree.leafStart[l];
          pool.leafRanges[2 * l + 1] = tree.leafEnd[l];
          pool.leafVals[l] = tree.value[tree.leafNode[l]];
        }
        pool.addLeafValues(tree.nLeaves, m, K, k);
        if (nOut > 0) addTreeBinned(tree, colBins, n, missBins, outRows, 0, nOut, scores, K, k);
        if (vn > 0) addTreeBinned(tree, validBins, vn, missBins, null, 0, vn, validScores, K, k);
        for (let j = 0; j < tree.nNodes; j++) {
          const f = tree.feature[j];
          if (f >= 0) {
            roundGain[round * F + f] += tree.gain[j];
            roundSplit[round * F + f] += 1;
          }
        }
      }
      train.onProgress?.(round + 1, p.rounds);
      if (valid) {
        const loss = objective.loss(validScores, valid.y, valid.weights);
        validLoss.push(loss);
        if (loss < bestLoss - 1e-12) {
          bestLoss = loss;
          bestRound = round + 1;
        } else if (stopAfter > 0 && round + 1 - bestRound >= stopAfter) break;
      } else bestRound = round + 1;
    }
  } finally {
    pool.close();
  }
  if (stopAfter > 0) forest.truncate(bestRound * K);
  else bestRound = forest.nTrees / K;
  const importanceGain = new Float64Array(F);
  const importanceSplit = new Float64Array(F);
  for (let r = 0; r < bestRound; r++) {
    for (let f = 0; f < F; f++) {
      importanceGain[f] += roundGain[r * F + f];
      importanceSplit[f] += roundSplit[r * F + f];
    }
  }
  return { objective: objective.name, K, base, forest: forest.build(), importanceGain, importanceSplit, rounds: bestRound, validLoss, threads };
}

/** Marks round(share · F) (at least 1) features chosen without replacement. */
function sampleFeatures(rng: Rng, F: number, share: number, mask: Uint8Array): void {
  const want = Math.max(1, Math.round(share * F));
  mask.fill(0);
  let chosen = 0;
  for (let f = 0; f < F && chosen < want; f++) {
    if ((F - f) * rng.next() < want - chosen) {
      mask[f] = 1;
      chosen++;
    }
  }
}
