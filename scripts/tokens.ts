/**
 * `npm run tokens -- issue <principal> [label]` prints a new token (only its hash is stored).
 * `npm run tokens -- revoke <token>` or `npm run tokens -- revoke-all <principal>` revokes.
 * `npm run tokens -- list` shows principals and token counts.
 * Principals: home-affairs, ministry:<CODE>, locality:<CODE>, public.
 */
import { config } from '../config/env';
import { createPrisma } from '../infra/db';
import { runtimeTarget } from '../infra/runtime-target';
import { issueToken, revokeTokens } from '../infra/tokens';

async function main(): Promise<void> {
  const [command, arg, label] = process.argv.slice(2);
  const prisma = createPrisma(runtimeTarget(config(), { temporal: false }).databaseUrl);
  try {
    if (command === 'issue' && arg) {
      console.log(await issueToken(prisma, arg, label ?? ''));
    } else if (command === 'revoke' && arg) {
      const n = await revokeTokens(prisma, { token: arg });
      if (n === 0) throw new Error('no active token matches');
      console.log('revoked');
    } else if (command === 'revoke-all' && arg) {
      console.log(`revoked ${await revokeTokens(prisma, { principal: arg })} token(s) of ${arg}`);
    } else if (command === 'list') {
      const rows = await prisma.apiToken.groupBy({ by: ['principal'], where: { revokedAt: null }, _count: { _all: true }, orderBy: { principal: 'asc' } });
      for (const r of rows) console.log(`${r.principal}\t${r._count._all}`);
    } else {
      console.error('usage: npm run tokens -- issue <principal> [label] | revoke <token> | revoke-all <principal> | list');
      process.exitCode = 2;
    }
  } finally {
    await prisma.$disconnect();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
