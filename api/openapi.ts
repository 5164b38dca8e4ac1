import { z } from 'zod';
import { idempotencyKeySchema, takesIdempotencyKey } from './idempotency';
import { openApiPath, type RouteRegistry } from './route-registry';
import { problemResponse } from '../app/schemas';

/**
 * A regex's `$` matches before a final line break in many engines (Python's among them), where
 * JavaScript's does not: patterns in the document end at the true end of the text.
 */
function portablePattern(pattern: string): string {
  return pattern.endsWith('$') && !pattern.endsWith('\\$') && !pattern.endsWith('(?!\n)$')
    ? `${pattern.slice(0, -1)}(?!\n)$`
    : pattern;
}

/**
 * Every name a schema `required` also under its `properties` (Redocly's no-required-schema-properties-undefined),
 * which changes nothing it accepts: a record keyed by status (`required` from its keys) gets its value
 * schema under each key; an `if`/`then`/`anyOf` branch that only says "present" gets the empty schema.
 */
function definedRequired(node: Record<string, unknown>): Record<string, unknown> {
  const required = node.required;
  if (!Array.isArray(required)) return node;
  const properties = (node.properties ?? {}) as Record<string, unknown>;
  const missing = required.filter((k): k is string => typeof k === 'string' && !(k in properties));
  if (missing.length === 0) return node;
  const value =
    node.additionalProperties !== null && typeof node.additionalProperties === 'object'
      ? node.additionalProperties
      : {};
  return { ...node, properties: { ...properties, ...Object.fromEntries(missing.map((k) => [k, value])) } };
}

/** Patterns made portable; a pattern on a non-string (a query integer parsed from digits) dropped; e-mail by pattern only. */
function tidy(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(tidy);
  if (node === null || typeof node !== 'object') return node;
  node = definedRequired(node as Record<string, unknown>);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
    // An e-mail is what its pattern says (the server's rule); `format: email` means more or less
    // in each validator (local-part length, quoted parts), so it is not claimed.
    if (k === 'format' && v === 'email' && typeof (node as { pattern?: unknown }).pattern === 'string') continue;
    if (k === 'pattern' && typeof v === 'string') {
      if ((node as { type?: unknown }).type === 'integer') continue;
      out[k] = portablePattern(v);
    } else out[k] = tidy(v);
  }
  return out;
}

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as Record<string, unknown>;
  return tidy(rest) as Record<string, unknown>;
}

const problemContent = () => ({ 'application/problem+json': { schema: schemaOf(problemResponse, 'output') } });

/** Answers every operation may give besides its own: refusals at the edge and dependencies away. */
function edgeResponses(
  r: RouteRegistry['routes'][number],
): Record<string, { description: string; content?: unknown; headers?: unknown }> {
  const out: Record<string, { description: string; content?: unknown; headers?: unknown }> = {};
  if (r.params || r.query || r.body)
    out['400'] = { description: 'the request is invalid (errors name the fields)', content: problemContent() };
  if (r.access !== 'anyone') {
    out['401'] = {
      description: 'no token, or an unknown or revoked one',
      content: problemContent(),
      headers: { 'WWW-Authenticate': { schema: { type: 'string', pattern: '^Bearer' } } },
    };
    out['429'] = {
      description: 'more requests a minute than allowed from this address or with this token',
      content: problemContent(),
      headers: { 'Retry-After': { schema: { type: 'string', pattern: '^[0-9]+$' } } },
    };
  }
  if (r.body) {
    out['413'] = { description: 'the body is larger than BODY_LIMIT', content: problemContent() };
    out['415'] = {
      description: 'the body is not JSON (another Content-Type), or in a charset or encoding the server does not read',
      content: problemContent(),
    };
  }
  if (takesIdempotencyKey(r)) {
    out['409'] = {
      description:
        'a request with this Idempotency-Key is still in progress (code IDEMPOTENCY_KEY_IN_USE); retry after Retry-After',
      content: problemContent(),
    };
    out['422'] = { description: 'this Idempotency-Key was used with a different request', content: problemContent() };
  }
  out['503'] = {
    description: 'PostgreSQL or Temporal is unreachable, or the task is stuck (code TASK_STUCK); nothing was changed',
    content: problemContent(),
  };
  return out;
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
        parameters.push({
          name,
          in: where,
          required: where === 'path' || (json.required ?? []).includes(name),
          schema: s,
        });
      }
    }
    if (takesIdempotencyKey(r)) {
      const { description, ...schema } = schemaOf(idempotencyKeySchema, 'input');
      parameters.push({ name: 'Idempotency-Key', in: 'header', required: false, description, schema });
    }
    const responses: Record<string, unknown> = edgeResponses(r);
    for (const [status, resp] of Object.entries(r.responses)) {
      const content: Record<string, unknown> = resp.schema
        ? { [resp.contentType ?? 'application/json']: { schema: schemaOf(resp.schema, 'output') } }
        : {};
      for (const [type, schema] of Object.entries(resp.alternatives ?? {})) content[type] = { schema: tidy(schema) };
      responses[status] = {
        description: resp.description,
        ...(Object.keys(content).length > 0 ? { content } : {}),
        ...(resp.headers ? { headers: tidy(resp.headers) } : {}),
      };
    }
    const op: Record<string, unknown> = {
      operationId: `${r.method}${openApiPath(r.path)
        .replace(/[{}]/g, '')
        .replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      summary: r.summary,
      description: r.deprecated ? `Deprecated: ${r.deprecated}\n\nAccess: ${r.access}` : `Access: ${r.access}`,
      ...(r.deprecated ? { deprecated: true } : {}),
      tags: r.tags,
      parameters,
      responses,
    };
    if (r.body)
      op.requestBody = { required: true, content: { 'application/json': { schema: schemaOf(r.body, 'input') } } };
    if (r.upload)
      op.requestBody = {
        required: true,
        content: Object.fromEntries(Object.entries(r.upload).map(([type, schema]) => [type, { schema: tidy(schema) }])),
      };
    // An operation anyone may call says so (`security: []`), rather than leaving it unsaid.
    op.security = r.access !== 'anyone' ? [{ bearer: [] }] : [];
    paths[openApiPath(r.path)] = { ...(paths[openApiPath(r.path)] ?? {}), [r.method]: op };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Delegated-tasks tracker API',
      version: '0.1.0',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      description:
        "Tracks the tasks delegated to local authorities under the two-tier local government model. Writes go to each task's Temporal workflow; reads come from the PostgreSQL read model. Errors are application/problem+json.",
    },
    servers: [{ url: serverUrl }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}
