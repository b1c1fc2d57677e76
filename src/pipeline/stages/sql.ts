/**
 * A DuckDB SQL stage. Each input file becomes a view named by its input key; each param becomes a
 * DuckDB variable (`getvariable('gap_minutes')`), set from a quoted literal, never spliced into the
 * user's SQL. A stage with one output may be a single SELECT; otherwise the SQL creates a table or
 * view named after every output key. Outputs are written with COPY to a temp file, then renamed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance, StatementType } from '@duckdb/node-api';
import { ModelyardError } from '../../errors.js';
import { ident, lit } from '../../frame/read.js';
import type { Json } from '../../learn/types.js';
import type { SqlStage } from '../types.js';

function readExpr(file: string): string {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.parquet' || ext === '.pq') return `read_parquet(${lit(file)})`;
  if (ext === '.jsonl' || ext === '.ndjson' || ext === '.json') return `read_json_auto(${lit(file)})`;
  return `read_csv_auto(${lit(file)}, header=true)`;
}

function copyFormat(file: string): string {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.parquet') return '(FORMAT parquet)';
  if (ext === '.csv') return '(FORMAT csv, HEADER true)';
  return '(FORMAT json)';
}

function literal(v: Json): string {
  if (v === null) return 'NULL';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : `${v}::DOUBLE`;
  if (typeof v === 'string') return lit(v);
  // Lists and mappings arrive as JSON text; json_extract and friends read them.
  return `${lit(JSON.stringify(v))}::JSON`;
}

/** Runs the stage's SQL and writes its outputs; returns rows written per output. */
export async function runSqlStage(stage: SqlStage): Promise<Record<string, number>> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const con = await instance.connect();
  const fail = (what: string, e: unknown): never => {
    throw new ModelyardError('PIPELINE_STAGE_FAILED', `stage "${stage.name}": ${what}: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`, { file: stage.sqlFile, field: `stages.${stage.name}` });
  };
  const tmps: string[] = [];
  try {
    for (const [name, file] of Object.entries(stage.inputs)) {
      try {
        await con.run(`CREATE VIEW ${ident(name)} AS SELECT * FROM ${readExpr(file)}`);
      } catch (e) {
        fail(`cannot read input "${name}" (${file})`, e);
      }
    }
    for (const [k, v] of Object.entries(stage.params)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) fail(`param "${k}"`, new Error('param names used in SQL must be letters, digits and _'));
      await con.run(`SET VARIABLE ${ident(k)} = ${literal(v)}`);
    }
    const outputs = Object.entries(stage.outputs);
    let single = false;
    try {
      const extracted = await con.extractStatements(stage.sql);
      if (extracted.count === 0) fail('SQL', new Error('no statements'));
      if (extracted.count === 1 && outputs.length === 1) {
        const prepared = await extracted.prepare(0);
        single = prepared.statementType === StatementType.SELECT;
      }
      if (!single) {
        for (let i = 0; i < extracted.count; i++) await (await extracted.prepare(i)).run();
      }
    } catch (e) {
      if (e instanceof ModelyardError) throw e;
      fail('SQL failed', e);
    }
    const rows: Record<string, number> = {};
    for (const [key, file] of outputs) {
      let source: string;
      if (single) {
        // A trailing ';' (and comments after it) would end the statement inside COPY ( … ).
        source = `(\n${stage.sql.replace(/;(\s|--[^\n]*)*$/, '')}\n)`;
      } else {
        const exists = await con.runAndReadAll(
          `SELECT count(*) FROM (SELECT table_name AS n FROM duckdb_tables() UNION ALL SELECT view_name FROM duckdb_views() WHERE NOT internal) WHERE n = ${lit(key)}`,
        );
        if (Number(exists.getRows()[0][0]) === 0) {
          fail(`output "${key}"`, new Error(`the SQL must create a table or view named "${key}" (or, for a stage with one output, be a single SELECT)`));
        }
        source = ident(key);
      }
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const tmp = `${file}.tmp-${process.pid}${path.extname(file)}`;
      tmps.push(tmp);
      try {
        await con.run(`COPY ${source} TO ${lit(tmp)} ${copyFormat(file)}`);
        const n = await con.runAndReadAll(`SELECT count(*) FROM ${readExpr(tmp)}`);
        rows[key] = Number(n.getRows()[0][0]);
      } catch (e) {
        fail(`writing output "${key}" (${file})`, e);
      }
      fs.renameSync(tmp, file);
    }
    return rows;
  } finally {
    for (const t of tmps) fs.rmSync(t, { force: true });
    con.closeSync();
    instance.closeSync();
  }
}
