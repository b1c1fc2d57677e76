/**
 * `modelyard models …`: list, show, alias, promote, rollback, verify, export, import, diff,
 * delete, audit — thin adapters over the registry service (src/registry/registry.ts). Every
 * subcommand takes `--json` (one JSON document on stdout); the registry comes from the global
 * `--registry URL`, else MODELYARD_REGISTRY, DATABASE_URL (Postgres), MODELYARD_HOME, ./.modelyard.
 */
import type { Command } from 'commander';
import { ModelyardError } from '../../errors.js';
import type { Json } from '../../learn/types.js';
import type { Registry } from '../../registry/registry.js';
import { parseRef } from '../../registry/ref.js';
import type { AuditRow, DiffReport, ModelDetails, VerifyReport } from '../../registry/types.js';
import type { CliContext } from '../main.js';
import { formatTable } from '../table.js';

interface JsonOpt {
  json?: boolean;
}

/** Adds `models` and its subcommands to the program. */
export function registerModels(program: Command, ctx: CliContext): void {
  const models = program.command('models').description('the model registry: versions, aliases, audit log, integrity');
  const command = (spec: string): Command =>
    models.command(spec).option('--registry <url>', 'registry: a postgres:// URL or a folder (default $MODELYARD_REGISTRY, DATABASE_URL, $MODELYARD_HOME, ./.modelyard)');

  /** Opens the registry, runs `fn`, always closes. */
  const withRegistry = async <T>(cmd: Command, fn: (r: Registry) => Promise<T>): Promise<T> => {
    const url = (cmd.optsWithGlobals() as { registry?: string }).registry;
    // Loaded on use, so other commands do not pay for the registry's database drivers at start-up.
    const { openRegistry } = await import('../../registry/registry.js');
    const registry = await openRegistry({ url, env: ctx.env });
    try {
      return await fn(registry);
    } finally {
      await registry.close();
    }
  };
  const who = (o: { reason?: string }) => ({ reason: o.reason, actor: ctx.env.MODELYARD_ACTOR });

  command('list')
    .description('every model with its latest version, aliases and headline metrics')
    .option('--json', 'print JSON')
    .action(async (o: JsonOpt, cmd: Command) => {
      const list = await withRegistry(cmd, (r) => r.list());
      if (o.json) return ctx.io.json({ models: list });
      if (list.length === 0) return ctx.io.out('no models registered');
      ctx.io.out(
        formatTable(
          ['NAME', 'LATEST', 'VERSIONS', 'ALIASES', 'TASK', 'METRICS', 'UPDATED'],
          list.map((m) => [m.name, m.latest, m.versions, aliasText(m.aliases), m.task, headline(m.metrics), m.updated_at.slice(0, 19).replace('T', ' ')]),
        ),
      );
    });

  command('show <ref>')
    .description('versions, aliases, schema, params and lineage of a model (name, name@version or name@alias)')
    .option('--json', 'print JSON')
    .action(async (ref: string, o: JsonOpt, cmd: Command) => {
      const d = await withRegistry(cmd, (r) => r.show(ref));
      if (o.json) return ctx.io.json(d);
      ctx.io.out(showText(d));
    });

  command('alias <ref> <alias>')
    .description('point an alias (champion, challenger, any name) at the version <ref> resolves to; --remove deletes it')
    .option('--remove', 'remove the alias instead (<ref> is then the model name)')
    .option('--reason <text>', 'why (recorded in the audit log)')
    .option('--json', 'print JSON')
    .action(async (ref: string, alias: string, o: JsonOpt & { remove?: boolean; reason?: string }, cmd: Command) => {
      const move = await withRegistry(cmd, async (r) => {
        if (o.remove) return r.removeAlias(parseRef(ref).name, alias, who(o));
        const v = await r.resolve(ref);
        return r.setAlias(v.name, alias, v.version, who(o));
      });
      if (o.json) return ctx.io.json(move);
      ctx.io.out(moveText(move));
    });

  command('promote <ref>')
    .description('point --to (default champion) at the version <ref> resolves to, recorded as a promotion')
    .option('--to <alias>', 'alias to move', 'champion')
    .option('--approve', 'approve the monitor\'s champion/challenger recommendation for <ref>: promotes only if one stands (docs/monitor.md)')
    .option('--reason <text>', 'why (recorded in the audit log)')
    .option('--json', 'print JSON')
    .action(async (ref: string, o: JsonOpt & { to: string; reason?: string; approve?: boolean }, cmd: Command) => {
      if (o.approve) {
        const { approvePromotion } = await import('../../monitor/challenger.js');
        const out = await withRegistry(cmd, (r) => approvePromotion(r, ref, { ...who(o), to: o.to }));
        if (o.json) return ctx.io.json({ name: out.name, alias: o.to, version: out.version, previous: out.previous, moved: true, approved: true, recommendation: out.recommendation });
        return ctx.io.out(`approved: ${out.name}@${o.to}: ${out.previous ?? '(none)'} → ${out.version}`);
      }
      const move = await withRegistry(cmd, (r) => r.promote(ref, o.to, who(o)));
      if (o.json) return ctx.io.json(move);
      ctx.io.out(moveText(move));
    });

  command('rollback <name>')
    .description('move an alias (default champion) back to the version it pointed at before its last move')
    .option('--alias <alias>', 'alias to roll back', 'champion')
    .option('--reason <text>', 'why (recorded in the audit log)')
    .option('--json', 'print JSON')
    .action(async (name: string, o: JsonOpt & { alias: string; reason?: string }, cmd: Command) => {
      if (name.includes('@')) throw new ModelyardError('USAGE', `rollback takes a model name, not a reference ("${name}"); choose the alias with --alias`, { flag: '--alias' });
      const move = await withRegistry(cmd, (r) => r.rollback(name, o.alias, who(o)));
      if (o.json) return ctx.io.json(move);
      ctx.io.out(moveText(move));
    });

  command('verify [ref]')
    .description('check every blob\'s sha256, that every version has its blob and every alias a live version; list orphans')
    .option('--fix', 'remove orphan blobs and dead temporary files')
    .option('--reason <text>', 'why (recorded in the audit log when --fix removes something)')
    .option('--json', 'print JSON')
    .action(async (ref: string | undefined, o: JsonOpt & { fix?: boolean; reason?: string }, cmd: Command) => {
      const report = await withRegistry(cmd, (r) => r.verify(ref, { fix: o.fix, ...who(o) }));
      const err = report.ok ? null : verifyError(report);
      if (o.json) {
        ctx.io.json(err ? { ...report, error: { code: err.code, message: err.message } } : report);
        // This command printed its own JSON document; main prints the error on stderr only.
        ctx.jsonMode = false;
      } else {
        ctx.io.out(verifyText(report));
      }
      if (err) throw err;
    });

  command('export <ref> <file>')
    .description('write the verified artifact of <ref> to <file>')
    .option('--json', 'print JSON')
    .action(async (ref: string, file: string, o: JsonOpt, cmd: Command) => {
      const info = await withRegistry(cmd, (r) => r.exportTo(ref, file));
      if (o.json) return ctx.io.json({ exported: info.ref, file, sha256: info.sha256, size: info.size });
      ctx.io.out(`exported ${info.ref} to ${file} (${info.size} bytes, sha256 ${info.sha256})`);
    });

  command('import <file>')
    .description('register an artifact file as a new version (name from --name, the artifact, or the file name)')
    .option('--name <name>', 'model name')
    .option('--version <semver>', 'version (default: next patch)')
    .option('--alias <alias>', 'also point this alias at it (repeatable)', collect, [] as string[])
    .option('--description <text>', 'model description')
    .option('--changelog <text>', 'what changed in this version')
    .option('--tag <key=value>', 'version tag (repeatable)', collect, [] as string[])
    .option('--reason <text>', 'why (recorded in the audit log)')
    .option('--json', 'print JSON')
    .action(
      async (
        file: string,
        o: JsonOpt & { name?: string; version?: string; alias: string[]; description?: string; changelog?: string; tag: string[]; reason?: string },
        cmd: Command,
      ) => {
        const tags = parseTags(o.tag);
        const info = await withRegistry(cmd, (r) =>
          r.importFrom(file, { name: o.name, version: o.version, aliases: o.alias, description: o.description, changelog: o.changelog, tags, ...who(o) }),
        );
        if (o.json) return ctx.io.json(info);
        ctx.io.out(`registered ${info.ref} (sha256 ${info.sha256}; aliases: ${info.aliases.join(', ')})`);
      },
    );

  command('diff <refA> <refB>')
    .description('metric, schema and parameter differences between two versions')
    .option('--json', 'print JSON')
    .action(async (a: string, b: string, o: JsonOpt, cmd: Command) => {
      const d = await withRegistry(cmd, (r) => r.diff(a, b));
      if (o.json) return ctx.io.json(d);
      ctx.io.out(diffText(d));
    });

  command('delete <ref>')
    .description('delete one version (name@1.2.3), or a whole model with --all-versions')
    .option('--all-versions', 'delete the model <ref> names with all its versions')
    .option('--force', 'also remove aliases (other than latest) that point at what is deleted')
    .option('--reason <text>', 'why (recorded in the audit log)')
    .option('--json', 'print JSON')
    .action(async (ref: string, o: JsonOpt & { allVersions?: boolean; force?: boolean; reason?: string }, cmd: Command) => {
      const r0 = parseRef(ref);
      if (o.allVersions && ref.includes('@')) throw new ModelyardError('USAGE', `--all-versions takes a model name, not "${ref}"`, { flag: '--all-versions' });
      if (!o.allVersions && !r0.version) {
        throw new ModelyardError('USAGE', `delete needs an exact version such as ${r0.name}@1.0.0 (got "${ref}"), or --all-versions to delete model ${r0.name}`, { flag: '--all-versions' });
      }
      if (o.allVersions) {
        const out = await withRegistry(cmd, (r) => r.deleteModel(r0.name, { ...who(o), force: o.force }));
        if (o.json) return ctx.io.json(out);
        return ctx.io.out(`deleted model ${out.deleted} (${out.versions.length} versions)`);
      }
      const out = await withRegistry(cmd, (r) => r.deleteVersion(ref, { ...who(o), force: o.force }));
      if (o.json) return ctx.io.json(out);
      ctx.io.out(`deleted ${out.deleted}${out.latest ? `; latest is now ${out.latest}` : ''}`);
    });

  command('audit [name]')
    .description('the audit log, newest first: registers, alias moves, promotions, rollbacks, deletes')
    .option('--limit <n>', 'rows to show', '50')
    .option('--json', 'print JSON')
    .action(async (name: string | undefined, o: JsonOpt & { limit: string }, cmd: Command) => {
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new ModelyardError('USAGE', `--limit ${o.limit} is not a positive integer`, { flag: '--limit' });
      const rows = await withRegistry(cmd, (r) => r.audit({ name, limit }));
      if (o.json) return ctx.io.json({ audit: rows });
      ctx.io.out(auditText(rows));
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseTags(tags: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags) {
    const i = t.indexOf('=');
    if (i <= 0) throw new ModelyardError('USAGE', `--tag "${t}" is not key=value`, { flag: '--tag' });
    out[t.slice(0, i)] = t.slice(i + 1);
  }
  return out;
}

function aliasText(aliases: Record<string, string>): string {
  return Object.entries(aliases)
    .filter(([a]) => a !== 'latest')
    .map(([a, v]) => `${a}=${v}`)
    .join(' ');
}

/** A short metrics text: the headline metrics of the test/holdout/validation/cv group (or the first group). */
function headline(metrics: Record<string, Json>, n = 2): string {
  const groups = Object.keys(metrics);
  const g = ['test', 'holdout', 'validation', 'valid', 'cv'].find((k) => groups.includes(k)) ?? groups[0];
  if (g === undefined) return '';
  const m = metrics[g];
  if (typeof m === 'number') return `${g}=${fmt(m)}`;
  if (!m || typeof m !== 'object' || Array.isArray(m)) return '';
  // The metrics each task is judged by come first (roc_auc, accuracy, rmse), then the rest.
  const first = ['roc_auc', 'accuracy', 'rmse', 'r2', 'log_loss'];
  return Object.entries(m)
    .filter(([, v]) => typeof v === 'number')
    .sort(([a], [b]) => (first.includes(a) ? first.indexOf(a) : 99) - (first.includes(b) ? first.indexOf(b) : 99))
    .slice(0, n)
    .map(([k, v]) => `${k}=${fmt(v as number)}`)
    .join(' ');
}

const fmt = (v: number | null): string => (v === null ? '-' : Math.abs(v) >= 1000 ? v.toFixed(0) : Number(v.toPrecision(4)).toString());

function moveText(m: { name: string; alias: string; version: string | null; previous: string | null; moved: boolean }): string {
  if (!m.moved) return `${m.name}@${m.alias} already points at ${m.version}; nothing changed`;
  if (m.version === null) return `removed ${m.name}@${m.alias} (was ${m.previous})`;
  return `${m.name}@${m.alias}: ${m.previous ?? '(none)'} → ${m.version}`;
}

function showText(d: ModelDetails): string {
  const lines = [`${d.name}${d.description ? ` — ${d.description}` : ''}`];
  lines.push(`aliases: ${Object.entries(d.aliases).map(([a, v]) => `${a} → ${v}`).join(', ') || 'none'}`);
  lines.push('');
  lines.push(
    formatTable(
      ['VERSION', 'ALIASES', 'CREATED', 'BY', 'METRICS', 'SHA256'],
      d.versions.map((v) => [v.version, v.aliases.join(','), v.created_at.slice(0, 19).replace('T', ' '), v.created_by, headline(v.metrics), v.sha256.slice(0, 12)]),
    ),
  );
  lines.push('');
  lines.push(`selected ${d.name}@${d.selected}: ${d.task ?? '?'} on target ${d.target ?? '?'}, learner ${d.learner ?? '?'}`);
  if (d.changelog) lines.push(`changelog: ${d.changelog}`);
  if (Object.keys(d.tags).length) lines.push(`tags: ${Object.entries(d.tags).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  lines.push(`params: ${JSON.stringify(d.params)}`);
  lines.push(`features (${d.schema.features.length}): ${d.schema.features.map((f) => `${f.name}:${f.kind}`).join(', ')}`);
  if (d.schema.segment_by) {
    lines.push(`segmented by ${d.schema.segment_by}:`);
    lines.push(formatTable(['SEGMENT', 'ROWS', 'METRICS'], (d.segments ?? []).map((s) => [s.segment, s.rows, headline({ m: (s.metrics ?? {}) as Json })])));
  }
  lines.push(`lineage: trained ${d.lineage.trained_at ?? '?'} with modelyard ${d.lineage.package_version ?? '?'}; registered ${d.lineage.registered_at} by ${d.lineage.registered_by}`);
  if (d.lineage.data) lines.push(`data: ${JSON.stringify(d.lineage.data)}`);
  return lines.join('\n');
}

function verifyText(r: VerifyReport): string {
  const lines = [`registry ${r.registry}`, `checked ${r.checked.versions} versions, ${r.checked.blobs} blobs, ${r.checked.aliases} aliases: ${r.ok ? 'OK' : `${r.problems.length} problem(s)`}`];
  for (const p of r.problems) lines.push(`  ${p.code}: ${p.message}`);
  if (r.orphans.length) {
    lines.push(`${r.orphans.length} orphan(s):`);
    for (const o of r.orphans) lines.push(`  ${o.removed ? 'removed ' : ''}${o.kind} ${o.path ?? o.sha256} (${o.size} bytes): ${o.explanation}`);
    if (!r.orphans.every((o) => o.removed)) lines.push('  (run `modelyard models verify --fix` to remove them)');
  }
  return lines.join('\n');
}

/** The error a failed verify exits with: the first corrupt blob, else the first other problem. */
function verifyError(r: VerifyReport): ModelyardError {
  const p = r.problems.find((x) => x.code === 'ARTIFACT_CORRUPT') ?? r.problems[0];
  const more = r.problems.length > 1 ? ` (and ${r.problems.length - 1} more problem(s))` : '';
  return new ModelyardError(p.code, `verify failed: ${p.message}${more}`);
}

function diffText(d: DiffReport): string {
  const lines = [`${d.a.ref} → ${d.b.ref}${d.same_artifact ? ' (same artifact bytes)' : ''}`];
  for (const [k, v] of [['task', d.task], ['target', d.target], ['learner', d.learner]] as const) if (v) lines.push(`${k}: ${v.a} → ${v.b}`);
  if (d.metrics.length) {
    lines.push('metrics:');
    lines.push(formatTable(['GROUP', 'METRIC', 'A', 'B', 'DELTA'], d.metrics.map((m) => [m.group, m.metric, fmt(m.a), fmt(m.b), m.delta === null ? '-' : (m.delta >= 0 ? '+' : '') + fmt(m.delta)])));
  }
  const s = d.schema;
  if (s.added.length || s.removed.length || s.changed.length) {
    lines.push('schema:');
    for (const f of s.added) lines.push(`  + ${f.name} (${f.kind})`);
    for (const f of s.removed) lines.push(`  - ${f.name} (${f.kind})`);
    for (const c of s.changed) {
      const bits = [c.kind ? `kind ${c.kind.a} → ${c.kind.b}` : '', c.categories_added ? `categories +${c.categories_added.join(',')}` : '', c.categories_removed ? `categories -${c.categories_removed.join(',')}` : ''];
      lines.push(`  ~ ${c.name}: ${bits.filter(Boolean).join('; ')}`);
    }
  } else {
    lines.push('schema: unchanged');
  }
  if (d.params.length) {
    lines.push('params:');
    for (const p of d.params) lines.push(`  ${p.name}: ${JSON.stringify(p.a)} → ${JSON.stringify(p.b)}`);
  } else {
    lines.push('params: unchanged');
  }
  if (d.segments && (d.segments.added.length || d.segments.removed.length)) lines.push(`segments: +${d.segments.added.join(',')} -${d.segments.removed.join(',')}`);
  return lines.join('\n');
}

function auditText(rows: AuditRow[]): string {
  if (rows.length === 0) return 'no audit rows';
  return formatTable(
    ['ID', 'AT', 'ACTOR', 'ACTION', 'MODEL', 'ALIAS', 'FROM', 'TO', 'REASON'],
    rows.map((a) => [a.id, a.at.slice(0, 19).replace('T', ' '), a.actor, a.action, a.name, a.alias, a.from_version, a.version, a.reason]),
  );
}
