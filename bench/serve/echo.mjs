#!/usr/bin/env node
// A bare Fastify server that parses the JSON body and answers it back: the ceiling for any
// JSON-over-HTTP server on this machine (no validation, no model). Usage: echo.mjs PORT
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.post('/predict', async (req) => req.body);
app.get('/health', async () => ({ status: 'ok' }));
await app.listen({ port: Number(process.argv[2] ?? 18613), host: '127.0.0.1' });
