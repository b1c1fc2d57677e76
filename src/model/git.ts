/** The git commit of the working directory, recorded in artifacts for lineage (undefined outside a repo). */
import { execFileSync } from 'node:child_process';

export function gitCommit(cwd = process.cwd()): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd, stdio: ['ignore', 'pipe', 'ignore'], timeout: 2000 }).toString().trim() || undefined;
  } catch {
    return undefined;
  }
}
