import path from 'node:path';

// jest `setupFiles`: runs in every test file's environment. Each jest worker process appends its
// copy of the API and worker logs (harness.ts) and its e-mails' URLs (embedded/loopback-smtp.ts) to
// files of its own in the run's folder, so suites running in parallel never share a file; the
// teardown (run-services.mjs) reads all of them.
const dir = process.env.TEST_RUN_FILES;
if (dir) {
  const me = `w${process.env.JEST_WORKER_ID ?? '0'}-${process.pid}`;
  process.env.TEST_LOG_COPY = path.join(dir, `logs-${me}.jsonl`);
  process.env.MAIL_URL_LOG = path.join(dir, `mail-urls-${me}.txt`);
}
