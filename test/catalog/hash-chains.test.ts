import { GENESIS_HASH, chainHashes, walkChain, type ChainLink } from '../../db/audit-chain';
import { createTestDatabase, type TestDatabase } from '../support/harness';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  await db?.drop();
});

/** Three events chained as they are stored: each link's prevHash is the hash before it. */
async function storedChain(): Promise<ChainLink[]> {
  const links: ChainLink[] = [];
  let prev = GENESIS_HASH;
  for (const [i, content] of ['{"seq":1}', '{"seq":2}', '{"seq":3}'].entries()) {
    const [hash = ''] = await chainHashes(db.pool, [[prev, content]]);
    links.push({ seq: i + 1, prevHash: prev, hash, content });
    prev = hash;
  }
  return links;
}

describe('one walk over a hash chain, for task and cell events alike', () => {
  it('when a chain is stored as written, then every event is checked and it is valid', async () => {
    expect(await walkChain(db.pool, await storedChain())).toEqual({ valid: true, checked: 3 });
  });

  it('when an event is missing, its content changed or its prevHash rewritten, then the walk names that event and why', async () => {
    const chain = await storedChain();
    const [first, second, third] = chain as [ChainLink, ChainLink, ChainLink];
    expect(await walkChain(db.pool, [first, third])).toEqual({
      valid: false,
      checked: 1,
      brokenAtSeq: 2,
      reason: 'missing event',
    });
    expect(await walkChain(db.pool, [first, { ...second, content: '{"seq":2,"forged":true}' }, third])).toEqual({
      valid: false,
      checked: 1,
      brokenAtSeq: 2,
      reason: 'content does not match its hash',
    });
    expect(await walkChain(db.pool, [first, second, { ...third, prevHash: first.hash }])).toEqual({
      valid: false,
      checked: 2,
      brokenAtSeq: 3,
      reason: 'prevHash does not match the previous event',
    });
  });
});
