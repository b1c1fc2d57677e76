import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveLocation } from './location.js';

const cwd = '/work/app';

describe('resolveLocation', () => {
  it('follows the documented precedence', () => {
    const env = { MODELYARD_REGISTRY: '/r', DATABASE_URL: 'postgres://db/x', MODELYARD_HOME: '/h' };
    expect(resolveLocation({ url: '/u', home: '/o', env, cwd }).file).toBe('/u/registry.db');
    expect(resolveLocation({ home: '/o', env, cwd }).file).toBe('/o/registry.db');
    expect(resolveLocation({ env, cwd }).source).toBe('MODELYARD_REGISTRY');
    expect(resolveLocation({ env: { DATABASE_URL: 'postgres://db/x', MODELYARD_HOME: '/h' }, cwd })).toMatchObject({ dialect: 'postgres', source: 'DATABASE_URL' });
    // A non-Postgres DATABASE_URL is somebody else's database.
    expect(resolveLocation({ env: { DATABASE_URL: 'mysql://db/x', MODELYARD_HOME: '/h' }, cwd })).toMatchObject({ dialect: 'sqlite', file: '/h/registry.db', blobDir: '/h/blobs' });
    expect(resolveLocation({ env: {}, cwd })).toMatchObject({ file: path.join(cwd, '.modelyard', 'registry.db'), source: 'default ./.modelyard' });
  });

  it('reads Postgres URLs: blobs default to the database, registry parameters are stripped', () => {
    const l = resolveLocation({ url: 'postgres://u:pw@h:5433/ml?schema=reg&sslmode=require', env: {}, cwd });
    expect(l).toMatchObject({ dialect: 'postgres', schema: 'reg', blobs: 'db' });
    expect(l.url).toBe('postgres://u:pw@h:5433/ml?sslmode=require');
    const f = resolveLocation({ url: 'postgresql://h/ml?blobs=fs', env: { MODELYARD_HOME: '/h' }, cwd });
    expect(f).toMatchObject({ blobs: 'fs', blobDir: '/h/blobs' });
  });

  it('reads SQLite files, folders and blob options', () => {
    expect(resolveLocation({ url: 'data/reg.sqlite', env: {}, cwd })).toMatchObject({ file: '/work/app/data/reg.sqlite', blobDir: '/work/app/data/blobs' });
    expect(resolveLocation({ url: 'sqlite:/var/reg.db', env: {}, cwd }).file).toBe('/var/reg.db');
    expect(resolveLocation({ url: '/r?blobs=db', env: {}, cwd })).toMatchObject({ file: '/r/registry.db', blobs: 'db' });
    expect(() => resolveLocation({ url: '/r?blobs=s3', env: {}, cwd })).toThrow(/blobs=s3 is not one of fs, db/);
  });
});
