import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { databaseUrlFor, dropDatabase, ensureDatabase } from '../../db/admin';
import { MIGRATIONS_DIR, RENAMED_MIGRATIONS, applyMigrations } from '../../db/migrations';
import { env } from '../support/harness';

/** The migrations as they were named before the renumbering, in a folder of their own. */
function oldNamedMigrations(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'old-migrations-'));
  for (const name of fs.readdirSync(MIGRATIONS_DIR)) {
    const sql = path.join(MIGRATIONS_DIR, name, 'migration.sql');
    if (!fs.existsSync(sql)) continue;
    const old = RENAMED_MIGRATIONS[name] ?? name;
    fs.mkdirSync(path.join(dir, old));
    fs.copyFileSync(sql, path.join(dir, old, 'migration.sql'));
  }
  return dir;
}

describe('a database migrated before the renumbering', () => {
  it('when the renumbered migrations run against it, then every one counts as applied and nothing runs again', async () => {
    const admin = env('TEST_PG_ADMIN_URL');
    const name = `t_${crypto.randomBytes(6).toString('hex')}`;
    await ensureDatabase(admin, name);
    const url = databaseUrlFor(admin, name);
    const dir = oldNamedMigrations();
    try {
      const first = await applyMigrations(url, dir);
      expect(first.applied).toContain('0003_tasks_changed_notify');
      expect(first.applied).toContain('0005_legal_documents');
      const again = await applyMigrations(url);
      expect(again.applied).toEqual([]);
      expect(again.alreadyApplied).toEqual(expect.arrayContaining(Object.keys(RENAMED_MIGRATIONS)));
      expect(again.alreadyApplied).toHaveLength(first.applied.length);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await dropDatabase(admin, name);
    }
  });
});
