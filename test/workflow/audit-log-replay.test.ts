import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { replayAsOf, taskView, type RecordedEvent } from '../../domain/as-of';
import { reportCounts, type TaskState } from '../../domain/task';

// The audit logs every recorded history wrote (test/fixtures/histories, every version of the workflow),
// taken back from a replay of each against the current code (test/support/replay/recorded-audit-logs.ts),
// folded by as-of: at each event, the task as-of then is the state the workflow persisted with it.
interface Persisted {
  event: RecordedEvent;
  snapshot: TaskState;
}

let logs: Record<string, Persisted[]>;

beforeAll(async () => {
  const root = path.resolve(__dirname, '..', '..');
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'audit-logs-')), 'logs.json');
  await promisify(execFile)(
    process.execPath,
    [
      path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
      path.join(root, 'test', 'support', 'replay', 'recorded-audit-logs.ts'),
      out,
    ],
    { cwd: root },
  );
  logs = JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, Persisted[]>;
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
}, 600_000);

/** What the read model shows for a persisted state at `nowMs` (the API's task shape). */
function expectedView(s: TaskState, nowMs: number) {
  const view = taskView(
    {
      ...s,
      lastSeq: s.seq,
      createdAt: '',
      lastEventAt: '',
      noticesSinceAction: 0,
      documents: s.documents ?? [],
      feasibleFrom: s.feasibleFrom ?? null,
      extensionRequest: s.extensionRequest ?? null,
      heldUp: s.heldUp ?? null,
    },
    nowMs,
  );
  return { ...view, reports: reportCounts(s) };
}

describe('the recorded audit logs of every workflow version, folded by as-of', () => {
  it('when each recorded history’s audit log is replayed by as-of, then at every event the task is the state the workflow persisted with it', () => {
    const files = Object.keys(logs);
    expect(files.length).toBe(fs.readdirSync(path.resolve(__dirname, '..', 'fixtures', 'histories')).length);
    for (const file of files) {
      const persisted = logs[file] as Persisted[];
      expect(persisted.length).toBeGreaterThanOrEqual(2);
      const events = persisted.map((p) => p.event);
      for (const { event, snapshot } of persisted) {
        const at = Date.parse(event.at);
        const t = replayAsOf(events, at).tasks.get(event.taskCode);
        expect({ file, seq: event.seq, view: t && taskView(t, at) }).toEqual({
          file,
          seq: event.seq,
          view: expectedView(snapshot, at),
        });
      }
    }
  });
});
