/** Opening the registry from CLI flags/env (global `--registry`, `MODELYARD_REGISTRY`, `MODELYARD_HOME`). */
import { openRegistry, type Registry } from '../registry/index.js';

export function openCliRegistry(url: string | undefined, env: NodeJS.ProcessEnv): Promise<Registry> {
  return openRegistry({ url, env });
}
