/**
 * Admin routes (scope `admin`; loopback only when no API keys are configured):
 * - `POST /admin/models/{name}/aliases/{alias}` `{version, reason?}`: moves an alias in the registry
 *   and swaps this server at once (other servers follow through the registry watch).
 * - `POST /models/{name}/switch?version=V[&alias=A]`: seed 000's switch endpoint, mapped onto moving
 *   the alias the bare name is served from (its `champion`, else `latest`; or `alias`).
 * - `POST /admin/reload`: re-resolves every served alias now.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ModelyardError } from '../../errors.js';
import { AliasBody, AliasParams, ModelParams, SwitchQuery } from '../schemas.js';

export async function adminRoutes(app: FastifyInstance): Promise<void> {
  const y = app.yard;
  const adminAuth = { preHandler: y.auth.hook('admin') };

  const move = async (req: FastifyRequest, name: string, alias: string, version: string, reason?: string): Promise<Record<string, unknown>> => {
    if (!y.registry) throw new ModelyardError('MODEL_NOT_FOUND', 'no registry is configured: aliases cannot move', {});
    if (!y.hub.has(name)) throw new ModelyardError('MODEL_NOT_FOUND', `model "${name.slice(0, 100)}" is not served here`, { field: 'name' });
    const reg = await y.registry();
    const moved = await reg.setAlias(name, alias, version, { actor: `http:${req.ip}`, reason: reason ?? `moved through the admin API (request ${req.id})` });
    const swaps = await y.hub.refresh(name);
    return { name, alias, version: moved.version, previous: moved.previous, moved: moved.moved, swaps, serving: y.hub.selectors(name) };
  };

  app.post<{ Params: { name: string; alias: string }; Body: { version: string; reason?: string } }>(
    '/admin/models/:name/aliases/:alias',
    { ...adminAuth, schema: { tags: ['admin'], summary: 'Move an alias (hot swap)', params: AliasParams, body: AliasBody } },
    async (req) => move(req, req.params.name, req.params.alias, req.body.version, req.body.reason),
  );

  app.post<{ Params: { name: string }; Querystring: { version: string; alias?: string } }>(
    '/models/:name/switch',
    { ...adminAuth, schema: { tags: ['admin'], summary: "Seed 000's switch: serve another version under the model's default alias", params: ModelParams, querystring: SwitchQuery } },
    async (req) => {
      const name = req.params.name;
      const def = y.hub.defaultSelector(name);
      const alias = req.query.alias ?? (def && !/^\d/.test(def) ? def : 'champion');
      return move(req, name, alias, req.query.version);
    },
  );

  app.post('/admin/reload', { ...adminAuth, schema: { tags: ['admin'], summary: 'Re-resolve every served alias now' } }, async () => {
    await y.hub.refreshAll();
    return { models: y.hub.names().map((name) => ({ name, loaded: y.hub.selectors(name) })) };
  });
}
