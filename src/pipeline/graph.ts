/**
 * The stage graph: stage B depends on stage A when one of B's inputs is one of A's outputs.
 * Stages run in a topological order that keeps file order among independent stages.
 */
import path from 'node:path';
import { ModelyardError } from '../errors.js';
import type { Pipeline, Stage } from './types.js';

export interface StageGraph {
  /** Stages in run order. */
  order: Stage[];
  /** Stage name → names of the stages it reads from. */
  upstream: Map<string, Set<string>>;
  /** Stage name → names of the stages that read from it. */
  downstream: Map<string, Set<string>>;
  /** Output path → the stage that writes it. */
  producer: Map<string, string>;
}

/** Builds the graph; a cycle is a PIPELINE_INVALID error naming the stages on it. */
export function buildGraph(p: Pipeline): StageGraph {
  const producer = new Map<string, string>();
  for (const s of p.stages) for (const out of Object.values(s.outputs)) producer.set(out, s.name);
  const upstream = new Map<string, Set<string>>();
  const downstream = new Map<string, Set<string>>();
  for (const s of p.stages) {
    upstream.set(s.name, new Set());
    downstream.set(s.name, new Set());
  }
  for (const s of p.stages) {
    for (const input of Object.values(s.inputs)) {
      const from = producer.get(input);
      if (from === undefined) continue;
      if (from === s.name) {
        throw new ModelyardError('PIPELINE_INVALID', `${p.file}: stage "${s.name}" reads ${path.relative(p.dir, input)}, which it also writes`, { file: p.file, field: `stages.${s.name}.inputs` });
      }
      upstream.get(s.name)!.add(from);
      downstream.get(from)!.add(s.name);
    }
    // An evaluate stage naming a registry model that a train stage of this pipeline registers reads
    // that stage's result, even though no file connects them.
    if (s.kind === 'evaluate' && 'ref' in s.model) {
      const modelName = s.model.ref.split('@')[0];
      for (const t of p.stages) {
        if (t.kind === 'train' && t.register?.name === modelName && t.name !== s.name) {
          upstream.get(s.name)!.add(t.name);
          downstream.get(t.name)!.add(s.name);
        }
      }
    }
  }
  // Kahn's algorithm, always taking the earliest stage (in file order) that is ready.
  const indeg = new Map(p.stages.map((s) => [s.name, upstream.get(s.name)!.size]));
  const order: Stage[] = [];
  const done = new Set<string>();
  while (order.length < p.stages.length) {
    const next = p.stages.find((s) => !done.has(s.name) && indeg.get(s.name) === 0);
    if (!next) {
      const stuck = p.stages.filter((s) => !done.has(s.name)).map((s) => s.name);
      throw new ModelyardError('PIPELINE_INVALID', `${p.file}: stages ${stuck.map((s) => `"${s}"`).join(', ')} depend on each other in a cycle`, { file: p.file, field: 'stages' });
    }
    done.add(next.name);
    order.push(next);
    for (const d of downstream.get(next.name)!) indeg.set(d, indeg.get(d)! - 1);
  }
  return { order, upstream, downstream, producer };
}

/** Every stage reachable downstream of `name`, including itself. */
export function downstreamOf(g: StageGraph, name: string): Set<string> {
  const seen = new Set<string>([name]);
  const stack = [name];
  while (stack.length) {
    for (const d of g.downstream.get(stack.pop()!) ?? []) {
      if (!seen.has(d)) {
        seen.add(d);
        stack.push(d);
      }
    }
  }
  return seen;
}

/**
 * The stages to consider for a run: all of them, `only` (those stages alone), or `from` (that
 * stage and everything downstream of it). Unknown names are PIPELINE_INVALID naming the flag.
 */
export function selectStages(p: Pipeline, g: StageGraph, sel: { only?: string[]; from?: string }): Set<string> {
  const names = new Set(p.stages.map((s) => s.name));
  const check = (n: string, flag: string): void => {
    if (!names.has(n)) throw new ModelyardError('PIPELINE_INVALID', `${flag} ${n}: no such stage in ${p.file} (stages: ${[...names].join(', ')})`, { file: p.file, flag });
  };
  let out = new Set(names);
  if (sel.from !== undefined) {
    check(sel.from, '--from');
    out = downstreamOf(g, sel.from);
  }
  if (sel.only?.length) {
    for (const n of sel.only) check(n, '--only');
    const only = new Set(sel.only);
    out = new Set([...out].filter((n) => only.has(n)));
  }
  return out;
}
