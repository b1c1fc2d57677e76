/** The work of `modelyard models compose`. */
import type { Command } from 'commander';
import { modelFromBytes, modelToBytes } from '../../artifact/model-artifact.js';
import { ModelyardError } from '../../errors.js';
import { composeSegments, type ComposeSource } from '../../model/compose.js';
import type { Registry } from '../../registry/index.js';
import { isValidName } from '../../registry/ref.js';
import type { CliContext } from '../main.js';
import { openCliRegistry } from '../registry.js';

export interface ComposeFlags {
  base: string;
  segment: string[];
  version?: string;
  changelog?: string;
  alias?: string[];
  registry?: string;
  json?: boolean;
}

async function load(reg: Registry, ref: string): Promise<ComposeSource> {
  const { info, bytes } = await reg.load(ref);
  const label = `${info.name}@${info.version}`;
  return { label, model: modelFromBytes(bytes, label, info.sha256).model };
}

export async function runCompose(ctx: CliContext, cmd: Command, name: string, f: ComposeFlags): Promise<void> {
  if (!isValidName(name)) throw new ModelyardError('USAGE', `"${name}": use letters, digits, '.', '_' and '-'`, { flag: '<name>' });
  const pairs: [string, string][] = f.segment.map((s) => {
    const eq = s.indexOf('=');
    if (eq <= 0 || eq === s.length - 1) throw new ModelyardError('USAGE', `--segment expects VALUE=REF (e.g. QB=recruit@1.1.0), got "${s}"`, { flag: '--segment' });
    return [s.slice(0, eq), s.slice(eq + 1)];
  });
  const globals = cmd.optsWithGlobals() as { registry?: string };
  const reg = await openCliRegistry(f.registry ?? globals.registry, ctx.env);
  try {
    const base = await load(reg, f.base);
    const replace: Record<string, ComposeSource> = {};
    for (const [segment, ref] of pairs) replace[segment] = await load(reg, ref);
    const model = composeSegments(base, replace, { changelog: f.changelog });
    model.metadata.name = name;
    const info = await reg.register({ name, bytes: modelToBytes(model), version: f.version, changelog: model.metadata.changelog, aliases: f.alias, reason: model.metadata.changelog, actor: ctx.env.MODELYARD_ACTOR });
    const segments = Object.fromEntries(Object.keys(model.segments!.parts).map((s) => [s, replace[s]?.label ?? base.label]));
    if (f.json) ctx.io.json({ name: info.name, version: info.version, sha256: info.sha256, segments, aliases: f.alias ?? [] });
    else {
      ctx.io.out(`registered ${info.name}@${info.version}: ${Object.entries(segments).map(([s, l]) => `${s} ← ${l}`).join(', ')}`);
      if (f.alias?.length) ctx.io.out(`  aliases: ${f.alias.join(', ')}`);
    }
  } finally {
    await reg.close();
  }
}
