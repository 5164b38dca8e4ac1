/**
 * The consistency sweep reads the figures of the e-mails as the tracker writes them (domain/mail.ts):
 * statuses by their names back to their codes, dd/mm/yyyy back to YYYY-MM-DD, in each language choice.
 */
import { escalationEmail, releaseEmail, reminderEmail, type TaskMailFacts } from '../../activities/task-emails';
import { MAIL_LANGUAGES, type ComposedMail } from '../../domain/mail';
import { TASK_STATUSES } from '../../domain/statuses';
import type { TaskView } from '../../domain/task';
import { closingDocument, escalationStepStated, taskMailFigures } from '../../scripts/consistency-sweep';
import { obstacleResolvedEmail } from '../../activities/round-emails';

const sent = (m: ComposedMail) => ({ to: [], subject: m.subject, text: m.text, at: 0 });
const task = (status: string, dueDate: string | null) =>
  ({
    code: 'BYT-012',
    title: 'Cấp phép hành nghề',
    sector: 'Y tế',
    status,
    leadMinistry: 'BYT',
    dueDate,
    policy: { publicBaseUrl: 'http://127.0.0.1:1' },
  }) as unknown as TaskView;
const facts = (language: (typeof MAIL_LANGUAGES)[number]): TaskMailFacts => ({
  title: { vi: 'Cấp phép hành nghề', en: 'Practice licences' },
  sector: { vi: 'Y tế', en: 'Health' },
  ministry: () => ({ vi: 'Bộ Y tế', en: 'Ministry of Health' }),
  language,
});

describe('the sweep reading e-mails', () => {
  it.each(MAIL_LANGUAGES)(
    'when a reminder, an escalation step or a release is written in %s, then the sweep reads its status code and due date back',
    (language) => {
      for (const status of TASK_STATUSES) {
        const due = status === 'FEASIBLE' ? null : '2026-03-09';
        const reminder = reminderEmail(
          { kind: 'OVERDUE', at: 0, offsetDays: -3, dueDate: '2026-03-09' },
          task(status, '2026-03-09'),
          facts(language),
        );
        expect(taskMailFigures(sent(reminder))).toEqual({ status, dueDate: '2026-03-09' });
        expect(escalationStepStated(sent(reminder))).toBeNull();
        const release = releaseEmail(
          task(status, due),
          {
            ministry: 'BTP',
            description: 'chờ thông tư',
            documentNumber: null,
            since: '2026-01-05T00:00:00Z',
            recordedBy: 'BTP',
          },
          '12/2026/TT-BTP',
          facts(language),
        );
        expect(taskMailFigures(sent(release))).toEqual({ status, dueDate: due ?? '' });
      }
      const atDeadline = reminderEmail(
        { kind: 'ESCALATION', at: 0, offsetDays: 0, dueDate: '2026-03-09' },
        task('REQUIRES_GUIDANCE', '2026-03-09'),
        facts(language),
      );
      expect(escalationStepStated(sent(atDeadline))).toBeNull();
      const step = (index: number, afterWorkingDays: number) =>
        escalationStepStated(
          sent(
            escalationEmail(
              { recipient: 'focal-point', afterWorkingDays, index, date: '2026-03-16', at: 0 },
              task('AUTHORITY_ADJUSTMENT', '2026-03-09'),
              facts(language),
            ),
          ),
        );
      expect(step(0, 0)).toBe('step 1 after 0 working days, due 2026-03-09');
      expect(step(1, 5)).toBe('step 2 after 5 working days, due 2026-03-09');
    },
  );

  it('when a closing-the-loop notice names its document, then the sweep reads the number; a reminder names none', () => {
    const notice = obstacleResolvedEmail(
      { code: 'BYT-012', title: 'Cấp phép hành nghề', titleEn: 'Practice licences' },
      { number: '12/2026/TT-BYT', issuedOn: '2026-03-02' },
      { locality: 'HNI', localityName: 'Hà Nội', category: null, text: 'chưa có hướng dẫn' },
      'http://127.0.0.1:1',
      { locality: () => ({ vi: 'Hà Nội', en: 'Ha Noi' }), language: 'vi+en' },
    );
    expect(closingDocument(sent(notice))).toBe('12/2026/TT-BYT');
    const reminder = reminderEmail(
      { kind: 'REMINDER', at: 0, offsetDays: 3, dueDate: '2026-03-09' },
      task('REQUIRES_GUIDANCE', '2026-03-09'),
      facts('vi+en'),
    );
    expect(closingDocument(sent(reminder))).toBeUndefined();
  });
});
