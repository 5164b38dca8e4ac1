import { z } from 'zod';
import { openApiPath, type RouteRegistry } from './route-registry';

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  return rest;
}

/** OpenAPI 3.1 document of every registered route, from the same zod schemas the routes validate with. */
export function buildOpenApi(registry: RouteRegistry, serverUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of registry.routes) {
    const parameters: unknown[] = [];
    for (const [where, schema] of [
      ['path', r.params],
      ['query', r.query],
    ] as const) {
      if (!schema) continue;
      const json = schemaOf(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, s] of Object.entries(json.properties ?? {})) {
        parameters.push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: s });
      }
    }
    const responses: Record<string, unknown> = {};
    for (const [status, resp] of Object.entries(r.responses)) {
      responses[status] = {
        description: resp.description,
        ...(resp.schema ? { content: { [resp.contentType ?? 'application/json']: { schema: schemaOf(resp.schema, 'output') } } } : {}),
      };
    }
    const op: Record<string, unknown> = {
      operationId: `${r.method}${openApiPath(r.path).replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      summary: r.summary,
      description: `Access: ${r.access}`,
      tags: r.tags,
      parameters,
      responses,
    };
    if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: schemaOf(r.body, 'input') } } };
    if (r.access !== 'anyone') op.security = [{ bearer: [] }];
    paths[openApiPath(r.path)] = { ...(paths[openApiPath(r.path)] ?? {}), [r.method]: op };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Delegated-tasks tracker API',
      version: '0.1.0',
      description:
        'Tracks the tasks delegated to local authorities under the two-tier local government model. Writes go to each task\'s Temporal workflow; reads come from the PostgreSQL read model. Errors are application/problem+json.',
    },
    servers: [{ url: serverUrl }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}

/** A small human-readable page listing the routes, linking the JSON document. */
export function docsPage(registry: RouteRegistry): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const rows = registry.routes
    .map((r) => `<tr><td><code>${r.method.toUpperCase()}</code></td><td><code>${esc(openApiPath(r.path))}</code></td><td>${esc(r.summary)}</td><td>${esc(r.access)}</td></tr>`)
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Delegated-tasks tracker API</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}td{padding:.3rem .6rem;border-bottom:1px solid #ddd;vertical-align:top}</style></head>
<body><h1>Delegated-tasks tracker API</h1>
<p>Send <code>Authorization: Bearer &lt;token&gt;</code>. Errors are <code>application/problem+json</code>. The machine-readable document is <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
<table><thead><tr><th>Method</th><th>Path</th><th>What it does</th><th>Who may call it</th></tr></thead><tbody>
${rows}
</tbody></table></body></html>`;
}
