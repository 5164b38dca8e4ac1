import fs from 'node:fs';
import { checkLogFile } from './log-secrets.mjs';

/** No log line of the whole run holds a token (sign-in link, bearer, unsubscribe or preference). */
function checkLogs() {
  const file = process.env.TEST_LOG_COPY;
  try {
    const lines = checkLogFile(file, process.env.MAIL_URL_LOG);
    if (lines !== null) console.log(`\nLogs checked: ${lines} API and worker line(s) of this run, no token in them.`);
  } finally {
    if (file) fs.rmSync(file, { force: true });
  }
}

/** No e-mail of the whole run linked to the API (the URLs are logged by embedded/loopback-smtp.ts). */
function checkMailUrls() {
  const file = process.env.MAIL_URL_LOG;
  if (!file || !fs.existsSync(file)) return;
  const urls = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  fs.rmSync(file, { force: true });
  const api = [...new Set(urls.filter((u) => /^https?:\/\/[^/]+\/api(\/|$|\?)/i.test(u)))];
  if (api.length > 0)
    throw new Error(
      `${api.length} e-mail link(s) of this run open the API, not a page:\n${api.slice(0, 20).join('\n')}`,
    );
  console.log(`\nE-mail links checked: ${urls.length} URL(s) in this run's e-mails, none to the API.`);
}

export default async function globalTeardown() {
  try {
    try {
      checkLogs();
    } finally {
      checkMailUrls();
    }
  } finally {
    await stopServices();
  }
}

async function stopServices() {
  const child = globalThis.__TRACKER_SERVICES__;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
  await exited;
  clearTimeout(timer);
}
