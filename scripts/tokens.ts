/**
 * `npm run tokens -- issue <principal> [label]` prints a new token (only its hash is stored).
 * `npm run tokens -- revoke <token>` or `npm run tokens -- revoke-all <principal>` revokes.
 * `npm run tokens -- list` shows principals and token counts.
 * Principals: home-affairs, ministry:<CODE>, locality:<CODE>, public.
 */
import { config } from '../config/env';
import { connectDb } from '../db/client';
import { countValidTokens, issueToken, revokeTokens } from '../db/tokens';
import { runtimeTarget } from '../embedded/runtime-target';

async function main(): Promise<void> {
  const [command, arg, label] = process.argv.slice(2);
  const db = connectDb(runtimeTarget(config(), { temporal: false }).databaseUrl);
  try {
    if (command === 'issue' && arg) {
      console.log(await issueToken(db, arg, label ?? ''));
    } else if (command === 'revoke' && arg) {
      const n = await revokeTokens(db, { token: arg });
      if (n === 0) throw new Error('no active token matches');
      console.log('revoked');
    } else if (command === 'revoke-all' && arg) {
      console.log(`revoked ${await revokeTokens(db, { principal: arg })} token(s) of ${arg}`);
    } else if (command === 'list') {
      for (const r of await countValidTokens(db)) console.log(`${r.principal}\t${r.count}`);
    } else {
      console.error(
        'usage: npm run tokens -- issue <principal> [label] | revoke <token> | revoke-all <principal> | list',
      );
      process.exitCode = 2;
    }
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
