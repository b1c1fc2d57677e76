import path from 'node:path';
import { expect, it } from 'vitest';
import { resolveLogLocation } from './location.js';
import { parseInputsMode, logInputs, canonicalJson } from './inputs.js';
import { parseLogMode } from './writer.js';
import { parseDuration, parseTime } from './duration.js';

const cwd = '/srv/app';

it('resolves the log location by precedence', () => {
  expect(resolveLogLocation({ env: {}, cwd })).toEqual({ dialect: 'sqlite', file: '/srv/app/.modelyard/log.db', spoolDir: '/srv/app/.modelyard/log-spool' });
  expect(resolveLogLocation({ env: { MODELYARD_HOME: '/h' }, cwd })).toEqual({ dialect: 'sqlite', file: '/h/log.db', spoolDir: '/h/log-spool' });
  // With the registry: same folder, or the same Postgres database and schema (registry parameters dropped).
  expect(resolveLogLocation({ env: {}, cwd, registry: 'reg' }).file).toBe(path.join(cwd, 'reg/log.db'));
  expect(resolveLogLocation({ env: {}, cwd, registry: '/r/registry.db' }).file).toBe('/r/log.db');
  expect(resolveLogLocation({ env: { MODELYARD_REGISTRY: 'postgres://u:p@db/ml?schema=reg&blobs=fs&blobs_dir=/b' }, cwd })).toEqual({
    dialect: 'postgres',
    url: 'postgres://u:p@db/ml',
    schema: 'reg',
    spoolDir: '/srv/app/.modelyard/log-spool',
  });
  // MODELYARD_LOG_URL beats the registry; --log beats everything; a named file is used as is.
  expect(resolveLogLocation({ env: { MODELYARD_LOG_URL: '/l/my.sqlite', MODELYARD_REGISTRY: 'reg' }, cwd }).file).toBe('/l/my.sqlite');
  expect(resolveLogLocation({ url: 'sqlite:x.db', env: { MODELYARD_LOG_URL: '/l/my.sqlite' }, cwd }).file).toBe('/srv/app/x.db');
  expect(resolveLogLocation({ env: { DATABASE_URL: 'postgres://db/x' }, cwd }).dialect).toBe('postgres');
  expect(resolveLogLocation({ env: { DATABASE_URL: 'mysql://db/x' }, cwd }).dialect).toBe('sqlite');
  expect(resolveLogLocation({ env: { MODELYARD_LOG_SPOOL: 'sp' }, cwd }).spoolDir).toBe('/srv/app/sp');
  expect(() => resolveLogLocation({ url: 'postgres://host:port/x', cwd })).toThrow(/not a valid postgres/);
});

it('parses modes, durations and times; hashes inputs canonically', () => {
  expect(parseLogMode(undefined)).toBe('durable');
  expect(parseLogMode('async')).toBe('async');
  expect(() => parseLogMode('fast')).toThrow(/durable, async or off/);
  expect(parseInputsMode('hashed')).toBe('hashed');
  expect(parseInputsMode('0')).toBe('off');
  expect(() => parseInputsMode('some')).toThrow();
  expect(parseDuration('7d', '--window')).toBe(604_800_000);
  expect(parseDuration('250ms', '--window')).toBe(250);
  expect(parseDuration('1.5h', '--window')).toBe(5_400_000);
  expect(() => parseDuration('soon', '--window')).toThrow(/--window/);
  expect(parseTime('2026-11-20T10:00:00Z')).toBe(Date.UTC(2026, 10, 20, 10));
  expect(parseTime('1700000000000')).toBe(1_700_000_000_000);
  expect(parseTime('yesterday')).toBeNull();
  expect(canonicalJson({ b: [1, { d: 2, c: 3 }], a: null })).toBe('{"a":null,"b":[1,{"c":3,"d":2}]}');
  const h = logInputs({ x: 1 }, 'hashed') as string;
  expect(h).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(logInputs(h, 'hashed')).toBe(h);
  expect(logInputs({ x: 1 }, 'off')).toBeNull();
  expect(logInputs({ x: 1 }, 'full')).toEqual({ x: 1 });
});
