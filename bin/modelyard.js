#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run by `npm ci` through `prepare`),
// which also bundles it into dist/bundle/ (scripts/bundle-cli.mjs): one bundle loads in a fraction
// of the time of ~500 separate modules, which is most of a short command's run time.
// The bundle is used only while it is newer than dist/cli/main.js: tsc rewrites every output file on
// each build, so a plain `tsc` rebuild (tests, editors) is never shadowed by an older bundle (one
// stat here; checking all ~200 inputs would cost more than it saves). MODELYARD_NO_BUNDLE=1 forces
// the unbundled modules.
// `fs` through require, not `import`: an ES import of a built-in builds its ES-module facade, which reads
// every export of `fs` — including the lazy `ReadStream` getter that loads all of node:stream (~20 ms of
// a short command; seen in a --cpu-prof of `models list`).
import { createRequire } from 'node:module';

const { statSync } = createRequire(import.meta.url)('node:fs');

function bundleIsFresh() {
  if (process.env.MODELYARD_NO_BUNDLE) return false;
  const bundle = statSync(new URL('../dist/bundle/main.js', import.meta.url), { throwIfNoEntry: false });
  const compiled = statSync(new URL('../dist/cli/main.js', import.meta.url), { throwIfNoEntry: false });
  return Boolean(bundle && compiled && bundle.mtimeMs >= compiled.mtimeMs);
}

const { main } = await import(bundleIsFresh() ? '../dist/bundle/main.js' : '../dist/cli/main.js');

main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`modelyard: internal error: ${err?.message ?? err}\n`); process.exitCode = 1; },
);
