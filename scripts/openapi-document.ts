/**
 * Writes the API's OpenAPI document (what GET /openapi.json answers) to a file, without PostgreSQL or
 * Temporal: the document comes from the route registry alone, and neither connection is opened (the
 * pool and the Temporal connection are lazy). `npm run lint` lints it with Redocly's recommended rules.
 *
 *   tsx scripts/openapi-document.ts FILE
 */
import fs from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import request from 'supertest';
import { createApp } from '../api/app';
import { loadConfig } from '../config/env';
import { connectDb } from '../db/client';

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: tsx scripts/openapi-document.ts FILE');
  const config = loadConfig({ LOG_REQUESTS: 'false' });
  const db = connectDb('postgresql://127.0.0.1:1/unused', { max: 1 });
  const temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) });
  try {
    const res = await request(createApp({ db, temporal, config })).get('/openapi.json');
    if (res.status !== 200) throw new Error(`/openapi.json answered ${res.status}`);
    fs.writeFileSync(file, `${JSON.stringify(res.body, null, 2)}\n`);
  } finally {
    await db.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
