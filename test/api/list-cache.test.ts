import request from 'supertest';
import type { Express } from 'express';
import { TASKS_CHANGED_CHANNEL } from '../../db/tasks-changed-listener';
import { ListCache, renderedPage } from '../../app/list-cache';
import { eventually } from '../support/harness';
import { useApiFixture } from '../support/api-fixture';

/** The per-process cache of task-list pages and its invalidation by PostgreSQL's notifications. */
const f = useApiFixture('api-cache-');
const { as, createTask, makeApp } = f;
let app: Express;
let db: typeof f.db;
beforeAll(() => {
  ({ app, db } = f);
});

describe('the task-list cache', () => {
  let cache: ListCache;
  let cached: Express;
  beforeAll(async () => {
    cache = await new ListCache(db.url, 60_000).start();
    cached = makeApp({ listCache: cache });
  });
  afterAll(async () => {
    await cache?.stop();
  });

  it('when a page is kept, then a commit to tasks anywhere drops it, and so do a local write and a stale read', async () => {
    const g = cache.current();
    cache.put('k', g, renderedPage('page'));
    expect(cache.get('k')?.body.toString()).toBe('page');
    expect(cache.get('k', Date.now() + 60_001)).toBeNull();
    // Another process changes the read model: PostgreSQL notifies, the page goes.
    await db.sql.query(`UPDATE tasks SET updated_at = now() WHERE code = (SELECT min(code) FROM tasks)`);
    await eventually(async () => cache.get('k') === null, 5_000, 'the notification');
    // A page read before a change that is noticed meanwhile is not kept.
    const before = cache.current();
    cache.invalidate();
    cache.put('k', before, renderedPage('stale'));
    expect(cache.get('k')).toBeNull();
    // A rolled-back change notifies nobody.
    cache.put('k', cache.current(), renderedPage('page'));
    const c = await db.sql.connect();
    await c.query('BEGIN');
    await c.query(`UPDATE tasks SET updated_at = now() WHERE code = (SELECT min(code) FROM tasks)`);
    await c.query('ROLLBACK');
    c.release();
    await new Promise((r) => setTimeout(r, 300));
    expect(cache.get('k')?.body.toString()).toBe('page');
  });

  it('when the listening connection is cut, then nothing is served from the cache until it listens again', async () => {
    cache.put('k', cache.current(), renderedPage('page'));
    await db.sql.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN ${TASKS_CHANGED_CHANNEL}' AND datname = current_database()`,
    );
    await eventually(async () => cache.get('k') === null, 5_000, 'the cut');
    // It reconnects by itself and caches again.
    await eventually(
      async () => {
        cache.put('k2', cache.current(), renderedPage('again'));
        return cache.get('k2')?.body.toString() === 'again';
      },
      10_000,
      'the reconnect',
    );
  });

  it('when lists are read through a caching API, then its own writes and writes elsewhere show up', async () => {
    const code = await createTask();
    const list = async () =>
      (
        await request(cached)
          .get(`/api/tasks?q=${encodeURIComponent(code)}`)
          .set(as('locality:HCM'))
      ).body.items[0];
    expect((await list()).status).toBe('REQUIRES_GUIDANCE');
    const first = await request(cached)
      .get(`/api/tasks?q=${encodeURIComponent(code)}`)
      .set(as('locality:HCM'));
    // A client holding the page revalidates it for nothing.
    const again = await request(cached)
      .get(`/api/tasks?q=${encodeURIComponent(code)}`)
      .set(as('locality:HCM'))
      .set('If-None-Match', first.headers.etag as string);
    expect(again.status).toBe(304);
    const moved = await request(cached)
      .post(`/api/tasks/${code}/transitions`)
      .set(as('home-affairs'))
      .send({ to: 'AUTHORITY_ADJUSTMENT', reason: 'law change' });
    expect(moved.status).toBe(200);
    // Read-your-write on the same process, with no wait; the old validator no longer matches.
    expect(await list()).toEqual(moved.body);
    expect(
      (
        await request(cached)
          .get(`/api/tasks?q=${encodeURIComponent(code)}`)
          .set(as('locality:HCM'))
          .set('If-None-Match', first.headers.etag as string)
      ).status,
    ).toBe(200);
    // A write through another API process (the uncached app here) reaches this one by notification.
    const back = await request(app)
      .post(`/api/tasks/${code}/transitions`)
      .set(as('home-affairs'))
      .send({ to: 'REQUIRES_GUIDANCE', document: { number: '9/2026/ND-CP', issuedOn: '2026-11-20' } });
    expect(back.status).toBe(200);
    await eventually(async () => (await list()).status === 'REQUIRES_GUIDANCE', 5_000, 'the other write');
    expect(await list()).toEqual(back.body);
  });
});
