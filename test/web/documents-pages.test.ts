import type { Browser, Page } from 'playwright-core';
import { getDocument, listDocuments } from '../../db/documents';
import { getTask } from '../../db/tasks';
import { calendarVersion, loadConfig } from '../../config/env';
import { calendarUpdate, taskWorkflowId } from '../../workflows/messages';
import { addDays, vietnamDate } from '../../domain/dates';
import { launchBrowser, newVisitor, screenshot, seriousAxeViolations } from '../support/browser';
import { eventually, vietnamTodayFor } from '../support/harness';
import { checkAndShoot, signInWithToken, startPagesStack, switchLanguage, type PagesStack } from './support';

let s: PagesStack;
let browser: Browser;
const today = vietnamDate(Date.now());
const year = today.slice(0, 4);
/** dd/mm/yyyy, as a person types a date. */
const typed = (iso: string) => iso.split('-').reverse().join('/');
/** A document number no other run used (the registry is shared by the test database). */
const freshNumber = (symbol: string) => `${Math.floor(Math.random() * 90000) + 10000}/${year}/${symbol}`;

beforeAll(async () => {
  s = await startPagesStack('web-documents-');
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await s?.stop();
});

const signIn = (page: Page, token: string) => signInWithToken(page, s.origin, token);

async function task(code: string) {
  const t = await getTask(s.stack.db, code);
  if (!t) throw new Error(`no task ${code}`);
  return t;
}

describe('the documents page', () => {
  it('when a ministry registers a document with bad input, then the errors are beside the fields and nothing is registered; with good input it is listed, also for the public', async () => {
    const { context, page } = await newVisitor(browser);
    await signIn(page, s.tokens['ministry:BGDDT']);
    await page.goto(`${s.origin}/documents`);
    await expect(page.locator('h1').textContent()).resolves.toBe('Văn bản quy phạm và hướng dẫn');
    const before = (await listDocuments(s.stack.db, { page: 1, limit: 1 })).total;

    const number = freshNumber('TT-BGDDT');
    await page.fill('#docNumber', 'thông tư mới');
    await page.selectOption('#docKind', 'CIRCULAR');
    await page.fill('#docTitle', 'Hướng dẫn tuyển dụng viên chức giáo dục tại cấp xã');
    await page.fill('#docIssuedOn', '31/02/2026');
    await page.click('#register-form button[type=submit]');
    await page.waitForLoadState();
    await expect(page.locator('#docNumber-error').textContent()).resolves.toContain('số/năm/ký hiệu');
    await expect(page.locator('#docIssuedOn-error').textContent()).resolves.toContain('ngày/tháng/năm');
    await expect(page.locator('.error-summary a[href="#docNumber"]').count()).resolves.toBe(1);
    await expect(page.inputValue('#docTitle')).resolves.toBe('Hướng dẫn tuyển dụng viên chức giáo dục tại cấp xã');

    // A date that is a date but not yet true: refused by the registry's rule, beside its field. Tomorrow
    // as the server will see it: `today` was taken when the file loaded, maybe before Viet Nam's midnight.
    await page.fill('#docNumber', number);
    await page.fill('#docIssuedOn', typed(addDays(await vietnamTodayFor(15_000), 1)));
    await page.click('#register-form button[type=submit]');
    await page.waitForLoadState();
    await expect(page.locator('#docIssuedOn-error').textContent()).resolves.toContain('không được muộn hơn hôm nay');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'documents-form-errors');
    expect((await listDocuments(s.stack.db, { page: 1, limit: 1 })).total).toBe(before);

    await page.fill('#docIssuedOn', typed(today));
    await page.fill('#docUrl', 'https://vanban.example/tt-bgddt');
    await page.click('#register-form button[type=submit]');
    await page.waitForURL(/registered=/);
    await expect(page.locator('.notice-success').textContent()).resolves.toContain(`Đã đăng ký văn bản ${number}`);
    expect((await getDocument(s.stack.db, number))?.issuer).toBe('BGDDT');
    await checkAndShoot(page, 'documents-ministry');
    await context.close();

    // The public reads and searches the registry, with no form and no name of who registered it.
    const visitor = await newVisitor(browser);
    await visitor.page.goto(`${s.origin}/documents?q=${encodeURIComponent(number)}`);
    const rows = await visitor.page.locator('#documents-table tbody tr').allTextContents();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toContain(number);
    expect(rows[0]).toContain('Thông tư');
    expect(await visitor.page.locator('main form[method=post]').count()).toBe(0);
    expect((await visitor.page.locator('main').textContent()) ?? '').not.toContain('ministry:BGDDT');
    await checkAndShoot(visitor.page, 'documents-public');
    await visitor.context.close();
  });

  it('when a ministry settles tasks with one document by keyboard, then a refused task refuses all and is listed, and without it every task becomes FEASIBLE with a result per task', async () => {
    const { context, page } = await newVisitor(browser);
    await signIn(page, s.tokens['ministry:BGDDT']);
    const number = freshNumber('TT-BGDDT');
    await page.goto(`${s.origin}/documents`);
    await page.fill('#docNumber', number);
    await page.selectOption('#docKind', 'CIRCULAR');
    await page.fill('#docTitle', 'Hướng dẫn công nhận trường đạt chuẩn quốc gia');
    await page.fill('#docIssuedOn', typed(today));
    await page.click('#register-form button[type=submit]');
    await page.waitForURL(/registered=/);

    // Another ministry's task in the batch: nothing changes, the refusal is listed by task.
    const beforeOverdue = await task(s.tasks.overdue);
    await page.fill('#settleDocument', number);
    await page.check(`#task-${s.tasks.overdue}`);
    await page.fill('#taskCodes', s.tasks.coordinated);
    await page.click('#settle-form button[type=submit]');
    await page.waitForLoadState();
    await expect(page.locator('#settle-refusals').textContent()).resolves.toContain(s.tasks.coordinated);
    await expect(page.locator('#settle-refusals').textContent()).resolves.toContain('Nhiệm vụ do bộ khác chủ trì');
    await expect(page.locator('#taskCodes-error').isVisible()).resolves.toBe(true);
    await expect(page.isChecked(`#task-${s.tasks.overdue}`)).resolves.toBe(true);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'documents-settle-refused');
    expect((await task(s.tasks.overdue)).lastSeq).toBe(beforeOverdue.lastSeq);
    expect((await task(s.tasks.coordinated)).status).toBe('REQUIRES_GUIDANCE');

    // The keyboard alone: the number, the two tasks' boxes, the button.
    await page.goto(`${s.origin}/documents`);
    const focusedId = () => page.evaluate(() => document.activeElement?.id ?? '');
    for (let i = 0; i < 80 && (await focusedId()) !== 'settleDocument'; i++) await page.keyboard.press('Tab');
    expect(await focusedId()).toBe('settleDocument');
    await page.keyboard.type(number);
    for (const code of [s.tasks.overdue, s.tasks.dueSoon]) {
      for (let i = 0; i < 20 && (await focusedId()) !== `task-${code}`; i++) await page.keyboard.press('Tab');
      expect(await focusedId()).toBe(`task-${code}`);
      await page.keyboard.press('Space');
    }
    for (
      let i = 0;
      i < 20 &&
      (await page.evaluate(
        () => document.activeElement?.closest('#settle-form') !== null && document.activeElement?.tagName === 'BUTTON',
      )) === false;
      i++
    ) {
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    await page.waitForSelector('#settlement-results');
    const results = await page.locator('#settlement-results tbody tr').allTextContents();
    expect(results).toHaveLength(2);
    for (const r of results) expect(r).toContain('Đủ điều kiện thực hiện');
    // The result is shown at the form's address: screenshot in Vietnamese, and its language switch
    // leads to the documents page (in English), not to that address.
    expect(await seriousAxeViolations(page)).toEqual([]);
    await screenshot(page, 'documents-settled');
    await switchLanguage(page, 'en');
    expect(new URL(page.url()).pathname).toBe('/documents');
    await switchLanguage(page, 'vi');
    expect((await task(s.tasks.overdue)).status).toBe('FEASIBLE');
    expect((await task(s.tasks.dueSoon)).status).toBe('FEASIBLE');

    // The task page shows the document with its kind, issuer and how it was recorded.
    await page.goto(`${s.origin}/tasks/${s.tasks.dueSoon}`);
    const docs = (await page.locator('main').textContent()) ?? '';
    expect(docs).toContain(number);
    expect(docs).toContain('giải quyết nhiều nhiệm vụ');
    await context.close();
  });
});

describe('the task page: extensions, hold-ups, the deadline, feasible from', () => {
  it('when the lead asks for an extension and records a hold-up, Home Affairs decides and sets the deadline, and documents release and settle the task, then the page shows each step', async () => {
    const code = s.tasks.coordinated;
    const lead = await newVisitor(browser);
    await signIn(lead.page, s.tokens['ministry:BYT']);
    await lead.page.goto(`${s.origin}/tasks/${code}`);
    expect(await lead.page.locator('#deadline-form').count()).toBe(0);
    expect(await lead.page.locator('#extension-decision-form').count()).toBe(0);

    // A new date before today: the error beside the field, nothing recorded.
    const before = await task(code);
    await lead.page.fill('#extensionDueDate', typed(addDays(today, -1)));
    await lead.page.fill('#extensionReason', 'Cần thêm thời gian lấy ý kiến các địa phương');
    await lead.page.click('#extension-request-form button[type=submit]');
    await lead.page.waitForLoadState();
    await expect(lead.page.locator('#extensionDueDate-error').textContent()).resolves.toContain('phải sau hôm nay');
    expect((await task(code)).lastSeq).toBe(before.lastSeq);

    const asked = addDays(before.dueDate ?? today, 30);
    await lead.page.fill('#extensionDueDate', typed(asked));
    await lead.page.click('#extension-request-form button[type=submit]');
    await lead.page.waitForURL(/done=1/);
    await expect(lead.page.locator('.extension-pending').textContent()).resolves.toContain(typed(asked));

    const awaited = freshNumber('TT-BTP');
    await lead.page.selectOption('#holdUpMinistry', 'BTP');
    await lead.page.fill('#holdUpDescription', 'Thông tư hướng dẫn chứng thực tại cấp xã');
    await lead.page.fill('#holdUpNumber', awaited);
    await lead.page.click('#hold-up-form button[type=submit]');
    await lead.page.waitForURL(/done=1/);
    await expect(lead.page.locator('dd.held-up').textContent()).resolves.toContain(
      'Thông tư hướng dẫn chứng thực tại cấp xã',
    );
    await checkAndShoot(lead.page, 'task-requests-ministry');
    await lead.context.close();

    const ha = await newVisitor(browser);
    await signIn(ha.page, s.tokens['home-affairs']);
    await ha.page.goto(`${s.origin}/tasks/${code}`);
    // Refusing without a reason: the error beside the field, the request still waits.
    await ha.page.check('#decision-refuse');
    await ha.page.click('#extension-decision-form button[type=submit]');
    await ha.page.waitForLoadState();
    await expect(ha.page.locator('#decisionReason-error').textContent()).resolves.toContain('lý do từ chối');
    expect((await task(code)).extensionRequest?.dueDate).toBe(asked);
    await ha.page.check('#decision-approve');
    await ha.page.click('#extension-decision-form button[type=submit]');
    await ha.page.waitForURL(/done=1/);
    const approved = await task(code);
    expect(approved.extensionRequest).toBeNull();
    expect(approved.dueDate! >= asked).toBe(true);
    await expect(ha.page.locator('main').textContent()).resolves.toContain('Bộ Nội vụ chấp thuận');

    // Home Affairs' deadline form: a bad date changes nothing; a good one moves the deadline.
    await ha.page.fill('#deadlineDueDate', '32/13/2026');
    await ha.page.fill('#deadlineReason', 'Theo chỉ đạo của Thủ tướng');
    await ha.page.click('#deadline-form button[type=submit]');
    await ha.page.waitForLoadState();
    await expect(ha.page.locator('#deadlineDueDate-error').textContent()).resolves.toContain('ngày/tháng/năm');
    expect((await task(code)).dueDate).toBe(approved.dueDate);
    const set = addDays(today, 90);
    await ha.page.fill('#deadlineDueDate', typed(set));
    await ha.page.click('#deadline-form button[type=submit]');
    await ha.page.waitForURL(/done=1/);
    expect((await task(code)).dueDate! >= set).toBe(true);
    await checkAndShoot(ha.page, 'task-home-affairs');

    // Registering the awaited document releases the task by itself.
    await ha.page.goto(`${s.origin}/documents`);
    await ha.page.fill('#docNumber', awaited);
    await ha.page.selectOption('#docKind', 'CIRCULAR');
    await ha.page.selectOption('#docIssuer', 'BTP');
    await ha.page.fill('#docTitle', 'Thông tư hướng dẫn chứng thực tại cấp xã');
    await ha.page.fill('#docIssuedOn', typed(today));
    await ha.page.click('#register-form button[type=submit]');
    await ha.page.waitForURL(/registered=/);
    await expect(ha.page.locator('.notice-success').textContent()).resolves.toContain(code);
    await eventually(async () => ((await task(code)).heldUp === null ? true : undefined), 30_000, 'the release');

    // A document that takes effect later: the task shows "feasible from", here and in the lists.
    const later = addDays(today, 20);
    const decree = freshNumber('TT-BYT');
    await ha.page.fill('#docNumber', decree);
    await ha.page.selectOption('#docKind', 'CIRCULAR');
    await ha.page.selectOption('#docIssuer', 'BYT');
    await ha.page.fill('#docTitle', 'Thông tư về y tế trường học tại cấp xã');
    await ha.page.fill('#docIssuedOn', typed(today));
    await ha.page.fill('#docEffectiveOn', typed(later));
    await ha.page.click('#register-form button[type=submit]');
    await ha.page.waitForURL(/registered=/);
    await ha.page.fill('#settleDocument', decree);
    await ha.page.fill('#taskCodes', code);
    await ha.page.click('#settle-form button[type=submit]');
    await ha.page.waitForSelector('#settlement-results');
    await expect(ha.page.locator('#settlement-results').textContent()).resolves.toContain(
      `Đủ điều kiện từ ${typed(later)}`,
    );
    await ha.page.goto(`${s.origin}/tasks/${code}`);
    await expect(ha.page.locator('.feasible-from').textContent()).resolves.toContain(`đủ điều kiện từ ${typed(later)}`);
    await ha.page.goto(`${s.origin}/?ministry=BYT&status=REQUIRES_GUIDANCE&q=${encodeURIComponent('Y tế trường học')}`);
    await expect(ha.page.locator(`tr:has(a[href="/tasks/${code}"])`).textContent()).resolves.toContain(
      `đủ điều kiện từ ${typed(later)}`,
    );
    await ha.context.close();

    // The public sees the documents and the date, not the reasons.
    const visitor = await newVisitor(browser);
    await visitor.page.goto(`${s.origin}/tasks/${code}`);
    const main = (await visitor.page.locator('main').textContent()) ?? '';
    expect(main).toContain(decree);
    expect(main).not.toContain('Cần thêm thời gian');
    await checkAndShoot(visitor.page, 'task-documents-public');
    await visitor.context.close();
  });
});

describe('the task page: a due date moved by an updated calendar', () => {
  it('when the operator applies a calendar that makes the due date a day off, then the deadline history says the calendar moved it, in both languages', async () => {
    const code = s.tasks.coordinated;
    const before = await task(code);
    const due = before.dueDate as string;
    const { calendar } = loadConfig({});
    const lists = {
      firstYear: calendar.firstYear,
      lastYear: calendar.lastYear,
      daysOff: [...calendar.daysOff, due].sort(),
      workingWeekendDays: calendar.workingWeekendDays,
    };
    const updated = { ...lists, version: calendarVersion(lists) };
    const moved = await s.stack.dev.client.workflow
      .getHandle(taskWorkflowId(code))
      .executeUpdate(calendarUpdate, { args: [updated] });
    expect(moved.dueDate?.from).toBe(due);
    const to = moved.dueDate?.to as string;
    await eventually(async () => ((await task(code)).dueDate === to ? true : undefined), 20_000, 'the moved due date');

    const { context, page } = await newVisitor(browser);
    await signIn(page, s.tokens['home-affairs']);
    await page.goto(`${s.origin}/tasks/${code}`);
    await expect(page.locator('main').textContent()).resolves.toContain(
      `Lịch ngày nghỉ được cập nhật (phiên bản ${updated.version})`,
    );
    await checkAndShoot(page, 'task-calendar-moved');
    await page.goto(`${s.origin}/language/en?next=${encodeURIComponent(`/tasks/${code}`)}`);
    await expect(page.locator('main').textContent()).resolves.toContain('Due date moved by the updated calendar');
    await context.close();
  });
});
