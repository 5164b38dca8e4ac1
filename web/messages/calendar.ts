import type { Lang } from '../i18n';

/** Strings about Viet Nam's working-day calendar on the pages: a due date moved by an updated calendar. */
const vi = {
  evCalendarMove: 'Hạn chuyển theo lịch ngày nghỉ mới',
  calendarMoveReason: (version: string) =>
    `Lịch ngày nghỉ được cập nhật (phiên bản ${version}): hạn cũ rơi vào ngày nghỉ nên chuyển sang ngày làm việc kế tiếp.`,
};

export type CalendarMessages = typeof vi;

const en: CalendarMessages = {
  evCalendarMove: 'Due date moved by the updated calendar',
  calendarMoveReason: (version: string) =>
    `The working-day calendar was updated (version ${version}): the old due date became a day off, so it moved to the next working day.`,
};

export const calendarMessages: Record<Lang, CalendarMessages> = { vi, en };
