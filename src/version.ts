import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** This package's version, read from package.json (recorded in every artifact). */
export const PACKAGE_VERSION: string = (require('../package.json') as { version: string }).version;
