/**
 * `npm run tools:communes`: finds (or installs into .tools/vietnam-provinces, from PyPI, pinned) the
 * official list of commune-level units, checks it against the 34 localities, and prints a summary.
 * COMMUNES_FILE=/path/to/nested-divisions.json uses an existing copy.
 */
import fs from 'node:fs';
import { CommuneDataError, parseCommunes } from '../catalog/communes';
import { MissingCommuneDataError, resolveCommuneDataFile } from '../embedded/commune-reference';

try {
  const file = resolveCommuneDataFile();
  const communes = parseCommunes(fs.readFileSync(file, 'utf8'));
  const byKind = new Map<string, number>();
  for (const c of communes) byKind.set(c.kind, (byKind.get(c.kind) ?? 0) + 1);
  console.log(`commune list:          ${file}`);
  console.log(
    `commune-level units:   ${communes.length} (${[...byKind].map(([k, n]) => `${k} ${n}`).join(', ')}) in 34 provinces and cities`,
  );
} catch (err) {
  if (err instanceof MissingCommuneDataError || err instanceof CommuneDataError) {
    console.error(err.message);
    process.exit(2);
  }
  throw err;
}
