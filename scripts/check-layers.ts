/**
 * `npm run lint` (its second half): the import graph of the application code against its layers (README "How
 * it is built"). Counts import cycles between files and imports that run from a lower layer to a
 * higher one; exits non-zero above the budget (no cycles, no upward import).
 * `import type` counts too: a type tie is still a tie.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Bottom to top: a folder may import its own layer and the layers below. */
export const LAYERS: string[][] = [
  ['domain', 'config', 'logging'],
  ['db'],
  // What the workflows call (persist, e-mail); an Update they send goes through temporal/, injected.
  ['activities'],
  ['workflows'],
  ['temporal', 'catalog'],
  // The use cases: plain inputs in, results or domain refusals out (domain/refusal.ts), no HTTP.
  ['app'],
  ['api', 'web', 'worker', 'embedded'],
  ['stack'],
  ['scripts'],
];

/**
 * Folders on one floor that must not import each other either: the API and the pages are two
 * adapters side by side over app/, composed in stack/ (an import between them counts as upward).
 */
export const APART: [string, string][] = [['api', 'web']];

export const BUDGET = { cycles: 0, upward: 0 };

const ROOT = path.resolve(__dirname, '..');
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

export interface LayerReport {
  files: number;
  imports: number;
  /** Each cycle as the files on it. */
  cycles: string[][];
  /** `from -> to` for every import from a lower layer to a higher one. */
  upward: string[];
}

function layerOf(layers: string[][], file: string): number {
  const folder = file.split('/')[0] as string;
  return layers.findIndex((l) => l.includes(folder));
}

function sourceFiles(root: string, layers: string[][]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.posix.join(dir, e.name);
      if (e.isDirectory()) walk(rel);
      else if (/\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(rel);
    }
  };
  for (const folder of layers.flat()) if (fs.existsSync(path.join(root, folder))) walk(folder);
  return out.sort();
}

function resolveImport(from: string, spec: string, known: Set<string>): string | null {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`, `${base}/index.tsx`])
    if (known.has(candidate)) return candidate;
  return null;
}

/** Tarjan's strongly connected components; a component of more than one file (or a self-import) is a cycle. */
function cyclesOf(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v) as number, idx.get(w) as number));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop() as string;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(scc.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}

/** `root` and `layers` default to this checkout; another tree (an older commit) can be measured too. */
export function checkLayers(root = ROOT, layers = LAYERS, apart = APART): LayerReport {
  const files = sourceFiles(root, layers);
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  const upward: string[] = [];
  let imports = 0;
  for (const file of files) {
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    const targets: string[] = [];
    for (const m of text.matchAll(IMPORT)) {
      const target = resolveImport(file, (m[1] ?? m[2]) as string, known);
      if (!target) continue;
      imports++;
      targets.push(target);
      const [from, to] = [file.split('/')[0], target.split('/')[0]];
      const across = apart.some(([a, b]) => (from === a && to === b) || (from === b && to === a));
      if (layerOf(layers, target) > layerOf(layers, file) || across) upward.push(`${file} -> ${target}`);
    }
    graph.set(file, [...new Set(targets)]);
  }
  return { files: files.length, imports, cycles: cyclesOf(graph), upward };
}

if (require.main === module) {
  const r = checkLayers();
  console.log(`${r.files} files, ${r.imports} imports between them`);
  console.log(`cycles: ${r.cycles.length} (budget ${BUDGET.cycles})`);
  for (const c of r.cycles) console.log(`  ${c.join(' <-> ')}`);
  console.log(`upward imports: ${r.upward.length} (budget ${BUDGET.upward})`);
  for (const u of r.upward) console.log(`  ${u}`);
  if (r.cycles.length > BUDGET.cycles || r.upward.length > BUDGET.upward) process.exitCode = 1;
}
