import fs from 'node:fs';
import request from 'supertest';
import { simpleParser } from 'mailparser';
import { parseCommunes, type Commune } from '../../catalog/communes';
import { issueToken } from '../../db/tokens';
import { resolveCommuneDataFile } from '../../embedded/commune-reference';
import { seedCommunes } from '../../embedded/commune-seed';
import { DAY_MS, vietnamDate } from '../../domain/dates';
import { eventually } from '../support/harness';
import { useApiFixture } from '../support/api-fixture';

// Rounds that ask the communes (issue 26), on the real stack with two small provinces seeded (Lai Châu,
// 38 units, and Huế, 40): the round opens through the API, its workflow e-mails every commune once
// through one chase activity per province, reports count for it, and its close freezes "n of N".
const f = useApiFixture('cround-');
let communes: Commune[];
let TASK: string;
const tokens: Record<string, string> = {};
const as = (principal: string) => ({ Authorization: `Bearer ${tokens[principal]}` });
const PROVINCES = ['LCU', 'HUE'];
const asked = () => communes.filter((c) => PROVINCES.includes(c.locality));

beforeAll(async () => {
  communes = parseCommunes(fs.readFileSync(resolveCommuneDataFile(), 'utf8'));
  TASK = await f.createTask({ level: 'commune', title: 'Chứng thực bản sao tại xã' });
  expect(await seedCommunes(f.db, { communes, localities: PROVINCES })).not.toBeNull();
  const [one, two] = asked().filter((c) => c.locality === 'LCU');
  for (const c of [one, two]) tokens[`commune:${c!.code}`] = await issueToken(f.db, `commune:${c!.code}`);
}, 300_000);

const dueIn = (days: number) => vietnamDate(Date.now() + days * DAY_MS);

/** The e-mails the SMTP server received for a round, by recipient. */
function mailsByRecipient(round: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of f.stack.smtp.received.filter((x) => x.subject.includes(`[${round}]`)))
    for (const to of m.to) counts.set(to, (counts.get(to) ?? 0) + 1);
  return counts;
}

async function roundCount() {
  return Number((await f.db.sql.query<{ n: string }>('SELECT count(*) AS n FROM reporting_rounds')).rows[0]?.n);
}

describe('opening a commune-level round', () => {
  it('when the level is not province or commune, or the body has a stranger field, then 400 names the field and no round is opened', async () => {
    const before = await roundCount();
    for (const [body, field] of [
      [{ dueDate: dueIn(20), level: 'district' }, 'body.level'],
      [{ dueDate: dueIn(20), level: 7 }, 'body.level'],
      [{ dueDate: dueIn(20), level: 'commune', levels: 'x' }, ''],
    ] as const) {
      const res = await request(f.app).post('/api/rounds').set(f.as('home-affairs')).send(body);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      if (field) expect(JSON.stringify(res.body)).toContain(field);
    }
    expect(await roundCount()).toBe(before);
  });

  it('when a province opens a commune round, then 403 and nothing is opened', async () => {
    const before = await roundCount();
    const res = await request(f.app)
      .post('/api/rounds')
      .set(f.as('locality:HNI'))
      .send({ dueDate: dueIn(20), level: 'commune' });
    expect(res.status).toBe(403);
    expect(await roundCount()).toBe(before);
  });

  it('when Home Affairs opens one, then it asks every commune, each is e-mailed once in Vietnamese first with a sign-in link to its page, reports count for it, and the API and the province’s figures agree', async () => {
    const res = await request(f.app)
      .post('/api/rounds')
      .set(f.as('home-affairs'))
      .send({ dueDate: dueIn(20), id: 'communes-open', level: 'commune' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ id: 'communes-open', level: 'commune', status: 'OPEN', reported: 0 });
    expect(res.body.total).toBe(asked().length);

    await eventually(
      async () => mailsByRecipient('communes-open').size === asked().length,
      60_000,
      'every commune e-mailed',
    );
    const counts = mailsByRecipient('communes-open');
    expect([...counts.keys()].sort()).toEqual(
      asked()
        .map((c) => `office.${c.code}@communes.example`)
        .sort(),
    );
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    // The outbox row is marked SENT just after the SMTP server has the message: wait for the last marks.
    const sentRows = async () =>
      Number(
        (
          await f.db.sql.query<{ n: string }>(
            `SELECT count(*) AS n FROM notifications WHERE round_id = 'communes-open' AND kind = 'COMMUNE_ROUND_OPENED' AND status = 'SENT'`,
          )
        ).rows[0]?.n,
      );
    await eventually(async () => (await sentRows()) >= asked().length, 30_000, 'every outbox row marked sent');
    expect(await sentRows()).toBe(asked().length);

    const one = asked().find((c) => c.locality === 'LCU')!;
    const mail = f.stack.smtp.received.find((m) => m.to.includes(`office.${one.code}@communes.example`))!;
    const parsed = await simpleParser(mail.raw);
    const text = parsed.text ?? '';
    expect(mail.subject).toContain(`Mở đợt báo cáo cấp xã, hạn ${dueIn(20).split('-').reverse().join('/')}`);
    expect(text.indexOf('Kính gửi')).toBeLessThan(text.indexOf('To the People'));
    expect(text).toContain(one.nameVi);
    expect(text).toContain(`http://tracker.test/sign-in?next=${encodeURIComponent(`/communes/${one.code}`)}`);
    expect(text).not.toContain('/api/');

    // Two communes report: one naming the round, one naming none (it counts for every open commune round).
    const [a, b] = asked().filter((c) => c.locality === 'LCU');
    const ra = await request(f.app)
      .post(`/api/communes/${a!.code}/report`)
      .set(as(`commune:${a!.code}`))
      .send({ round: 'communes-open', cells: [{ task: TASK, state: 'WORKABLE' }] });
    expect(ra.status).toBe(200);
    const rb = await request(f.app)
      .post(`/api/communes/${b!.code}/report`)
      .set(as(`commune:${b!.code}`))
      .send({ cells: [{ task: TASK, state: 'IMPLEMENTING' }] });
    expect(rb.status).toBe(200);

    const round = await request(f.app).get('/api/rounds/communes-open').set(f.as('home-affairs'));
    expect(round.status).toBe(200);
    expect(round.body).toMatchObject({ level: 'commune', reported: 2, total: asked().length, localities: [] });
    const lcu = asked().filter((c) => c.locality === 'LCU').length;
    expect(round.body.provinces).toEqual([
      { locality: 'HUE', reported: 0, total: asked().length - lcu },
      { locality: 'LCU', reported: 2, total: lcu },
    ]);
    const province = await request(f.app).get('/api/localities/LCU/communes').set(f.as('locality:HNI'));
    expect(province.status).toBe(200);
    expect(province.body.round).toMatchObject({ round: 'communes-open', status: 'OPEN', reported: 2, total: lcu });
    expect(province.body.round.notReported).toHaveLength(lcu - 2);
    expect(province.body.round.notReported).not.toContain(a!.code);

    // The province's "n of 34" is not moved by a commune round.
    const dash = await request(f.app).get('/api/localities').set(f.as('public'));
    expect(dash.status).toBe(200);
    expect(JSON.stringify(dash.body)).not.toContain('communes-open');

    // "Remind now" is for province rounds; a commune round is chased on its schedule.
    const remind = await request(f.app).post('/api/rounds/communes-open/reminders').set(f.as('home-affairs')).send({});
    expect(remind.status).toBe(409);
    expect(remind.body.code).toBe('COMMUNE_ROUND');

    // Closed: its figures are frozen, and a report naming it is refused (409 body.round), nothing written.
    const closed = await request(f.app)
      .post('/api/rounds/communes-open/close')
      .set(f.as('home-affairs'))
      .send({ reason: 'test over' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'CLOSED', reported: 2, total: asked().length });
    const reports = async () =>
      Number((await f.db.sql.query<{ n: string }>('SELECT count(*) AS n FROM commune_reports')).rows[0]?.n);
    const before = await reports();
    const late = await request(f.app)
      .post(`/api/communes/${a!.code}/report`)
      .set(as(`commune:${a!.code}`))
      .send({ round: 'communes-open', cells: [{ task: TASK, state: 'OBSTACLE', category: 'STAFFING', text: 'x' }] });
    expect(late.status).toBe(409);
    expect(JSON.stringify(late.body)).toContain('body.round');
    expect(await reports()).toBe(before);
    // A report naming no round after the close counts for no closed round.
    const after = await request(f.app)
      .post(`/api/communes/${b!.code}/report`)
      .set(as(`commune:${b!.code}`))
      .send({ cells: [{ task: TASK, state: 'WORKABLE' }] });
    expect(after.status).toBe(200);
    const frozen = await request(f.app).get('/api/rounds/communes-open').set(f.as('home-affairs'));
    expect(frozen.body).toMatchObject({ reported: 2, total: asked().length });
  }, 120_000);
});
