/**
 * Request validation with TypeBox's compiled checkers instead of Ajv. The schemas are the same
 * TypeBox objects the OpenAPI document shows; compiling them with TypeBox takes a fraction of
 * Ajv's time (a measured ~0.5 s of the server's cold start under Ajv) and checks as fast.
 * A failure becomes REQUEST_INVALID naming the JSON path of the first bad field.
 */
import { Kind, Type, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { FastifySchemaCompiler } from 'fastify';
import { ModelyardError } from '../errors.js';
import { jsonPath } from './http-errors.js';

const PART: Record<string, string> = { body: '', querystring: 'query', params: 'path', headers: 'headers' };

/** The first problem, as a coded error. */
function problem(checker: ReturnType<typeof TypeCompiler.Compile>, data: unknown, part: string): ModelyardError {
  const first = checker.Errors(data).First();
  const pointer = first?.path ?? '';
  const field = jsonPath(pointer);
  const prefix = PART[part] ?? part;
  let message = first?.message ?? 'is invalid';
  const alts = (first?.schema as { anyOf?: { type?: string; const?: unknown }[] } | undefined)?.anyOf;
  if (alts) message = `has the wrong type (expected ${alts.map((a) => (a.const !== undefined ? JSON.stringify(a.const) : a.type === 'number' ? 'a finite number' : (a.type ?? 'another shape'))).join(' | ')})`;
  let f = field;
  // An object with an unknown property: name the property.
  if (first && /additional|unexpected property/i.test(first.message)) {
    const key = pointer.split('/').pop() ?? '';
    message = `unknown field "${key.slice(0, 100)}"`;
  }
  if (prefix && prefix !== 'path') f = field ? `${prefix}.${field}` : prefix;
  const row = /^(instances|dataframe_records|ids)\[(\d+)\]/.exec(field);
  const where = f || (prefix || 'body');
  return new ModelyardError('REQUEST_INVALID', `${where}: ${message}`.slice(0, 500), { field: f || undefined, row: row ? Number(row[2]) + 1 : undefined });
}

/**
 * `schema` with every "object of anything" record (`Type.Record(Type.String(), Type.Unknown())`, the
 * request rows) replaced by an open `Type.Object({})`, for the accept/refuse check only. TypeBox
 * compiles such a record to `Object.entries(row).every(...)` whose test is always true — an array
 * allocated per field of every row, about a tenth of a 100-row request. The open object accepts
 * exactly the same JSON values (an object that is not an array; the record also refuses `Date` and
 * `Uint8Array` instances, which JSON cannot produce). Error messages still come from the original.
 */
function fastCheckSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(fastCheckSchema);
  if (node === null || typeof node !== 'object') return node;
  const o = node as Record<string | symbol, unknown>;
  if (o[Kind] === 'Record' && isOpenRecord(o)) return Type.Object({}, { additionalProperties: true });
  const out: Record<string | symbol, unknown> = {};
  for (const k of Reflect.ownKeys(o)) out[k] = fastCheckSchema(o[k]);
  return out;
}

function isOpenRecord(o: Record<string | symbol, unknown>): boolean {
  const pp = o.patternProperties as Record<string, Record<string | symbol, unknown>> | undefined;
  if (!pp) return false;
  const keys = Object.keys(pp);
  const extra = Object.keys(o).filter((k) => !['type', 'patternProperties', 'description', 'title', 'examples'].includes(k));
  return extra.length === 0 && keys.length === 1 && keys[0] === '^(.*)$' && pp[keys[0]][Kind] === 'Unknown';
}

/** Fastify validator compiler for TypeBox schemas (routes without TypeBox schemas are not validated). */
export const typeboxValidator: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  if (!schema || !(Kind in schema)) return (data: unknown) => ({ value: data });
  const checker = TypeCompiler.Compile(schema);
  const fast = TypeCompiler.Compile(fastCheckSchema(schema) as TSchema);
  const part = httpPart ?? 'body';
  return (data: unknown) => (fast.Check(data) ? { value: data } : { error: problem(checker, data, part) });
};
