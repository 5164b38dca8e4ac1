import fs from 'node:fs';
import { MIGRATIONS_DIR, RENAMED_MIGRATIONS } from '../../db/migrations';

const names = () =>
  fs
    .readdirSync(MIGRATIONS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();

describe('the migrations’ names', () => {
  it('when the migrations are listed, then each number is used once and each name is NNNN_words', () => {
    const all = names();
    expect(all.length).toBeGreaterThan(5);
    for (const name of all) expect([name, /^\d{4}_[a-z0-9_]+$/.test(name)]).toEqual([name, true]);
    const numbers = all.map((n) => n.slice(0, 4));
    expect(numbers.filter((n, i) => numbers.indexOf(n) !== i)).toEqual([]);
  });

  it('when a migration was renumbered, then its new name exists, its old one does not, and the order is the old order', () => {
    const all = names();
    for (const [now, before] of Object.entries(RENAMED_MIGRATIONS)) {
      expect([now, all.includes(now)]).toEqual([now, true]);
      expect([before, all.includes(before)]).toEqual([before, false]);
    }
    const oldNames = all.map((n) => RENAMED_MIGRATIONS[n] ?? n);
    expect(oldNames).toEqual([...oldNames].sort());
  });
});
