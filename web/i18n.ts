import type { Request } from 'express';
import { reference } from '../catalog/reference-data';
import { vietnamDate, vietnamOffsetMs } from '../domain/dates';
import { formMessages } from './messages/forms';
import type { MilestoneName, ReportKind, TaskStatus } from '../domain/task';
import { STATUS_RULES } from '../domain/statuses';
import { LANGS, type Lang } from './lang';

export { LANGS, type Lang };
export const LANG_COOKIE = 'lang';

export function isLang(s: unknown): s is Lang {
  return s === 'vi' || s === 'en';
}

/** The cookie set by the switch wins; otherwise the browser's Accept-Language; otherwise Vietnamese. */
export function negotiateLang(req: Request, cookies: Record<string, string | undefined>): Lang {
  const chosen = cookies[LANG_COOKIE];
  if (isLang(chosen)) return chosen;
  if (!req.headers['accept-language']) return 'vi';
  const best = req.acceptsLanguages('vi', 'en');
  return best === 'en' ? 'en' : 'vi';
}

const LOCALE: Record<Lang, string> = { vi: 'vi-VN', en: 'en-GB' };
const numberFormats = Object.fromEntries(LANGS.map((l) => [l, new Intl.NumberFormat(LOCALE[l])])) as Record<
  Lang,
  Intl.NumberFormat
>;
const percentFormats = Object.fromEntries(
  LANGS.map((l) => [l, new Intl.NumberFormat(LOCALE[l], { minimumFractionDigits: 2, maximumFractionDigits: 2 })]),
) as Record<Lang, Intl.NumberFormat>;

/** 1.234 in Vietnamese, 1,234 in English. */
export function formatNumber(lang: Lang, n: number): string {
  return numberFormats[lang].format(n);
}

/** 61,54 % in Vietnamese, 61.54% in English (the report's two decimals). */
export function formatPercent(lang: Lang, percent: number): string {
  const n = percentFormats[lang].format(percent);
  return lang === 'vi' ? `${n} %` : `${n}%`;
}

/** A calendar date (YYYY-MM-DD) or an instant (ISO) as dd/mm/yyyy; instants in Viet Nam time. */
export function formatDate(_lang: Lang, value: string | null | undefined): string {
  if (!value) return '';
  const day = value.length === 10 ? value : vietnamDate(Date.parse(value));
  const [y, m, d] = day.split('-');
  return `${d}/${m}/${y}`;
}

/** An instant as dd/mm/yyyy hh:mm, Viet Nam time. */
export function formatDateTime(lang: Lang, iso: string): string {
  const atMs = Date.parse(iso);
  const local = new Date(atMs + vietnamOffsetMs(atMs)).toISOString();
  return `${formatDate(lang, local.slice(0, 10))} ${local.slice(11, 16)}`;
}

const ministries = new Map(reference.ministries.map((m) => [m.code, m]));
const localities = new Map(reference.localities.map((l) => [l.code, l]));

export function ministryName(lang: Lang, code: string): string {
  const m = ministries.get(code);
  if (!m) return code;
  return lang === 'vi' ? m.nameVi : m.name;
}

/** The name in the page's language, then the other one (both languages are shown where names matter). */
export function ministryNames(lang: Lang, code: string): { main: string; other: string } {
  const m = ministries.get(code);
  if (!m) return { main: code, other: '' };
  return lang === 'vi' ? { main: m.nameVi, other: m.name } : { main: m.name, other: m.nameVi };
}

export function localityName(lang: Lang, code: string): string {
  const l = localities.get(code);
  if (!l) return code;
  return lang === 'vi' ? l.nameVi : l.name;
}

export function localityNames(lang: Lang, code: string): { main: string; other: string } {
  const l = localities.get(code);
  if (!l) return { main: code, other: '' };
  return lang === 'vi' ? { main: l.nameVi, other: l.name } : { main: l.name, other: l.nameVi };
}

type Bilingual = { vi: string; en: string | null };
/** A text and the language it is in (a page marks it so: components/lang-text.tsx). */
export interface LangText {
  text: string;
  lang: Lang;
}

/**
 * A catalog text in the page's language: the Vietnamese, or on an English page its English
 * rendering when the catalog gives one. Without one an English page shows the Vietnamese, which
 * is then marked as Vietnamese (a screen reader reads it so).
 */
export function catalogText(lang: Lang, vi: string, en: string | null | undefined): LangText {
  return lang === 'en' && en ? { text: en, lang: 'en' } : { text: vi, lang: 'vi' };
}

/** The task's title, sector and legal basis as the page's reader reads them (db/tasks.ts: titles, sectors, legalBases). */
export function taskTitle(lang: Lang, task: { title: string; titles?: Bilingual }): LangText {
  return catalogText(lang, task.title, task.titles?.en);
}
export function taskSector(lang: Lang, task: { sector: string; sectors?: Bilingual }): LangText {
  return catalogText(lang, task.sector, task.sectors?.en);
}
export function taskLegalBasis(lang: Lang, task: { legalBasis: string; legalBases?: Bilingual }): LangText {
  return catalogText(lang, task.legalBasis, task.legalBases?.en);
}

export function statusName(lang: Lang, status: TaskStatus): string {
  return STATUS_RULES[status][lang];
}

const MILESTONES: Record<MilestoneName, Record<Lang, string>> = {
  DRAFTING: { vi: 'Đang soạn thảo', en: 'Drafting' },
  CONSULTATION: { vi: 'Lấy ý kiến', en: 'Consultation' },
  SUBMITTED: { vi: 'Đã trình', en: 'Submitted' },
  ISSUED: { vi: 'Đã ban hành', en: 'Issued' },
  PROPOSAL_DRAFTED: { vi: 'Đã dự thảo đề xuất', en: 'Proposal drafted' },
  APPROVED: { vi: 'Đã phê duyệt', en: 'Approved' },
};

export function milestoneName(lang: Lang, name: string): string {
  return MILESTONES[name as MilestoneName]?.[lang] ?? name;
}

const REPORTS: Record<ReportKind, Record<Lang, string>> = {
  WORKABLE: { vi: 'Thực hiện được', en: 'Workable' },
  OBSTACLE: { vi: 'Vướng mắc', en: 'Obstacle' },
};

export function reportKindName(lang: Lang, kind: string): string {
  return REPORTS[kind as ReportKind]?.[lang] ?? kind;
}

const vi = {
  ...formMessages.vi,
  serviceName: 'Theo dõi nhiệm vụ phân cấp',
  seedingBanner: (done: number, total: number) =>
    `Đang nạp danh mục: ${done} trên ${total} nhiệm vụ. Các số liệu sẽ đầy đủ khi nạp xong; tải lại trang để xem tiến độ.`,
  skipToContent: 'Bỏ qua để đến nội dung chính',
  switchTo: 'English',
  switchToLabel: 'Switch to English',
  navPublic: 'Tổng quan',
  navDashboard: 'Bảng điều khiển',
  navWorklist: 'Danh sách công việc',
  navLocality: 'Địa phương',
  navSignIn: 'Đăng nhập',
  signOut: 'Đăng xuất',
  signedInAs: 'Đã đăng nhập:',
  homeAffairs: 'Bộ Nội vụ (theo dõi chung)',
  openData: 'Dữ liệu mở',
  apiDocs: 'Tài liệu API',
  footerNote:
    'Danh mục nhiệm vụ là dữ liệu minh hoạ, khớp với số liệu tổng hợp của Bộ Nội vụ (báo cáo ngày 06/12/2025).',
  notFoundTitle: 'Không tìm thấy trang',
  notFoundBody: 'Địa chỉ này không có trang nào.',
  forbiddenTitle: 'Không được phép',
  forbiddenBody: 'Tài khoản của bạn không được thực hiện việc này.',
  serverErrorTitle: 'Đã có lỗi',
  serverErrorBody: 'Hệ thống gặp lỗi; không có thay đổi nào được ghi. Vui lòng thử lại.',
  unavailableBody:
    'Một thành phần của hệ thống (PostgreSQL hoặc Temporal) đang không phản hồi; không có thay đổi nào được ghi. Vui lòng thử lại sau ít phút.',
  badFormTitle: 'Biểu mẫu không được nhận',
  formTooLargeBody:
    'Biểu mẫu gửi lên quá lớn hoặc có quá nhiều trường; không có thay đổi nào được ghi. Hãy rút ngắn nội dung rồi gửi lại.',
  formEncodingBody:
    'Biểu mẫu được gửi với bảng mã không hỗ trợ (chỉ nhận UTF-8); không có thay đổi nào được ghi. Hãy gửi lại từ trang của hệ thống.',
  formMalformedBody:
    'Không đọc được biểu mẫu gửi lên; không có thay đổi nào được ghi. Hãy gửi lại từ trang của hệ thống.',
  pagesTooManyBody: 'Có quá nhiều yêu cầu từ địa chỉ của bạn. Vui lòng thử lại sau một phút.',
  // public page
  publicTitle: 'Tiến độ thực hiện nhiệm vụ phân cấp cho địa phương',
  publicLead:
    'Các nhiệm vụ Chính phủ phân cấp cho chính quyền địa phương theo mô hình chính quyền hai cấp, và tình trạng của từng nhiệm vụ.',
  delegatedTasks: 'nhiệm vụ được phân cấp',
  tasksWord: 'nhiệm vụ',
  byMinistry: 'Tiến độ theo bộ',
  ministry: 'Bộ',
  leadMinistry: 'Bộ chủ trì',
  coordinatingMinistries: 'Bộ phối hợp',
  total: 'Tổng số',
  open: 'Chưa xong',
  overdue: 'Quá hạn',
  feasibleShare: 'Tỷ lệ đủ điều kiện',
  taskList: 'Danh sách nhiệm vụ',
  search: 'Tìm theo tên nhiệm vụ',
  status: 'Tình trạng',
  overdueOnly: 'Chỉ nhiệm vụ quá hạn',
  code: 'Mã',
  title: 'Nhiệm vụ',
  dueDate: 'Hạn',
  noDueDate: 'Không có hạn',
  daysOverdue: 'Số ngày quá hạn',
  overdueDays: (n: string) => `Quá hạn ${n} ngày`,
  shown: (from: string, to: string, total: string) => `Hiển thị ${from}–${to} trên ${total} nhiệm vụ`,
  noTasks: 'Không có nhiệm vụ nào khớp với bộ lọc.',
  previous: 'Trang trước',
  next: 'Trang sau',
  pagination: 'Phân trang',
  downloadCsv: 'Tải danh sách (CSV)',
  downloadJson: 'Tải danh sách (JSON)',
  openDataNote: 'Cùng danh sách, không có dữ liệu cá nhân, theo bộ lọc đang chọn.',
  chartStatusAlt: 'Biểu đồ cột: số nhiệm vụ theo tình trạng. Số liệu có trong bảng bên dưới.',
  chartMinistryAlt: 'Biểu đồ cột: số nhiệm vụ chưa xong và quá hạn theo bộ. Số liệu có trong bảng bên dưới.',
  // sign-in
  signInTitle: 'Đăng nhập',
  signInLead:
    'Cán bộ bộ, ngành, Bộ Nội vụ và địa phương đăng nhập để xem và cập nhật nhiệm vụ. Người dân không cần đăng nhập.',
  byLink: 'Nhận đường dẫn đăng nhập qua thư điện tử',
  byLinkHint:
    'Địa chỉ đầu mối của bộ hoặc địa chỉ của Bộ Nội vụ đã có trong danh mục. Đường dẫn dùng được một lần, trong 15 phút.',
  email: 'Địa chỉ thư điện tử',
  sendLink: 'Gửi đường dẫn',
  byToken: 'Đăng nhập bằng mã truy cập',
  byTokenHint: 'Dán mã truy cập đã được cấp (bắt đầu bằng dtt_).',
  token: 'Mã truy cập',
  signInButton: 'Đăng nhập',
  linkSentTitle: 'Hãy kiểm tra hộp thư',
  linkSentBody:
    'Nếu địa chỉ này có trong danh mục, chúng tôi đã gửi một đường dẫn đăng nhập. Đường dẫn hết hạn sau 15 phút và chỉ dùng được một lần.',
  linkConfirmTitle: 'Hoàn tất đăng nhập',
  linkConfirmBody: 'Bấm nút dưới đây để đăng nhập.',
  linkInvalidTitle: 'Đường dẫn không dùng được',
  linkInvalidBody: 'Đường dẫn đã hết hạn hoặc đã được dùng. Hãy yêu cầu đường dẫn mới.',
  signedOut: 'Bạn đã đăng xuất.',
  tooManyTitle: 'Quá nhiều lần thử',
  tooManyBody: 'Bạn đã thử đăng nhập quá nhiều lần. Vui lòng thử lại sau một phút.',
  errTokenEmpty: 'Nhập mã truy cập',
  errTokenUnknown: 'Mã truy cập không đúng hoặc đã bị thu hồi',
  errEmail: 'Nhập địa chỉ thư điện tử đúng dạng, ví dụ ten@bo.gov.vn',
  errCsrf: 'Biểu mẫu đã cũ. Vui lòng tải lại trang và gửi lại.',
  // dashboard
  dashboardTitle: 'Bảng điều khiển của Bộ Nội vụ',
  statusTotals: 'Số nhiệm vụ theo tình trạng',
  count: 'Số nhiệm vụ',
  share: 'Tỷ lệ',
  bottlenecks: 'Điểm nghẽn theo bộ',
  oldestOverdue: 'Quá hạn lâu nhất (ngày)',
  localitiesReporting: 'Địa phương đã báo cáo',
  localitiesReported: (n: string, total: string) => `${n} trên ${total} địa phương đã báo cáo`,
  notReported: 'Chưa báo cáo',
  allReported: 'Tất cả địa phương đã báo cáo.',
  dueSoon: 'Đến hạn trong 14 ngày tới',
  noneDueSoon: 'Không có nhiệm vụ nào đến hạn trong 14 ngày tới.',
  obstacleReports: 'Báo cáo vướng mắc',
  noObstacles: 'Chưa có địa phương nào báo cáo vướng mắc.',
  obstacleCount: 'Số báo cáo vướng mắc',
  oldestOpen: 'Nhiệm vụ chưa xong lâu nhất',
  // worklist
  worklistTitle: 'Danh sách công việc',
  worklistLead: (m: string) =>
    `Các nhiệm vụ ${m} chủ trì hoặc phối hợp, theo hạn gần nhất. Nhiệm vụ quá hạn được đánh dấu.`,
  role: 'Vai trò',
  roleLead: 'Chủ trì',
  roleCoordinating: 'Phối hợp',
  // task page
  taskTitle: (code: string) => `Nhiệm vụ ${code}`,
  since: 'Từ ngày',
  sector: 'Lĩnh vực',
  legalBasis: 'Căn cứ pháp lý',
  level: 'Cấp thực hiện',
  levelProvince: 'Cấp tỉnh',
  levelCommune: 'Cấp xã',
  focalPoint: 'Đầu mối',
  notNamed: 'Chưa có',
  deadlineExtensions: 'Số lần gia hạn',
  milestones: 'Các mốc tiến độ',
  noMilestones: 'Chưa ghi nhận mốc nào.',
  documents: 'Văn bản đã ban hành',
  noDocuments: 'Chưa có văn bản.',
  documentNumber: 'Số văn bản',
  issuedOn: 'Ngày ban hành',
  effectiveOn: 'Ngày có hiệu lực',
  localityReports: 'Báo cáo của địa phương',
  noReports: 'Chưa có địa phương nào báo cáo.',
  workableCount: 'Thực hiện được',
  obstacleCountShort: 'Vướng mắc',
  locality: 'Địa phương',
  report: 'Báo cáo',
  reportedOn: 'Ngày báo cáo',
  timeline: 'Lịch sử thay đổi',
  recordedAt: (when: string) => `ghi nhận vào hệ thống lúc ${when}`,
  chainValid: (n: string) => `Chuỗi băm hợp lệ (${n} sự kiện đã kiểm tra).`,
  chainBroken: (seq: string) => `Chuỗi băm bị phá vỡ tại sự kiện ${seq}.`,
  remindersSent: 'Nhắc hạn đã gửi',
  noReminders: 'Chưa gửi nhắc hạn nào.',
  sentOn: 'Ngày gửi',
  kind: 'Loại',
  actor: 'Người thực hiện',
  signInForMore: 'Đăng nhập để xem đầu mối, lịch sử thay đổi và nhắc hạn.',
  actions: 'Cập nhật nhiệm vụ',
  recordMilestone: 'Ghi nhận mốc tiến độ',
  milestone: 'Mốc',
  note: 'Ghi chú (không bắt buộc)',
  noteColumn: 'Ghi chú',
  recordedOn: 'Ngày ghi nhận',
  save: 'Lưu',
  moveTask: (to: string) => `Chuyển sang: ${to}`,
  reason: 'Lý do',
  move: 'Chuyển tình trạng',
  changeFocalPoint: 'Thay đổi đầu mối',
  focalPointName: 'Họ và tên',
  focalPointEmail: 'Thư điện tử',
  reportOnTask: 'Báo cáo khả năng thực hiện tại địa phương',
  reportKind: 'Nhiệm vụ này tại địa phương',
  description: 'Mô tả (bắt buộc nếu có vướng mắc)',
  sendReport: 'Gửi báo cáo',
  setDeadline: 'Đặt hoặc gia hạn thời hạn',
  newDueDate: 'Hạn mới',
  done: 'Đã lưu thay đổi.',
  errStale: 'Nhiệm vụ đã thay đổi tình trạng; hãy tải lại trang.',
};

export type Messages = typeof vi;

const en: Messages = {
  ...formMessages.en,
  serviceName: 'Delegated-tasks tracker',
  seedingBanner: (done: number, total: number) =>
    `Seeding the catalog: ${done} of ${total} tasks in. The figures are complete once it is done; reload the page to see how far it is.`,
  skipToContent: 'Skip to main content',
  switchTo: 'Tiếng Việt',
  switchToLabel: 'Chuyển sang tiếng Việt',
  navPublic: 'Overview',
  navDashboard: 'Dashboard',
  navWorklist: 'Worklist',
  navLocality: 'Locality',
  navSignIn: 'Sign in',
  signOut: 'Sign out',
  signedInAs: 'Signed in:',
  homeAffairs: 'Ministry of Home Affairs (monitoring)',
  openData: 'Open data',
  apiDocs: 'API documentation',
  footerNote:
    "The task catalog is illustrative data matching the Ministry of Home Affairs' aggregates (report of 06/12/2025).",
  notFoundTitle: 'Page not found',
  notFoundBody: 'There is no page at this address.',
  forbiddenTitle: 'Not allowed',
  forbiddenBody: 'Your account may not do this.',
  serverErrorTitle: 'Something went wrong',
  serverErrorBody: 'Something went wrong on our side; nothing was changed. Please try again.',
  unavailableBody:
    'A part of the system (PostgreSQL or Temporal) is not answering; nothing was changed. Please try again in a few minutes.',
  badFormTitle: 'Form not accepted',
  formTooLargeBody:
    'The form sent is too large or has too many fields; nothing was changed. Shorten it and send it again.',
  formEncodingBody:
    'The form was sent in an unsupported character set (only UTF-8 is accepted); nothing was changed. Send it again from our page.',
  formMalformedBody: 'The form sent could not be read; nothing was changed. Send it again from our page.',
  pagesTooManyBody: 'Too many requests from your address. Please try again in a minute.',
  publicTitle: 'Progress of the tasks delegated to local authorities',
  publicLead:
    'The tasks the Government delegated to local authorities under the two-tier local government model, and where each one stands.',
  delegatedTasks: 'delegated tasks',
  tasksWord: 'tasks',
  byMinistry: 'Progress by ministry',
  ministry: 'Ministry',
  leadMinistry: 'Lead ministry',
  coordinatingMinistries: 'Coordinating ministries',
  total: 'Total',
  open: 'Open',
  overdue: 'Overdue',
  feasibleShare: 'Share feasible',
  taskList: 'Tasks',
  search: 'Search task titles',
  status: 'Status',
  overdueOnly: 'Overdue tasks only',
  code: 'Code',
  title: 'Task',
  dueDate: 'Due',
  noDueDate: 'No due date',
  daysOverdue: 'Days overdue',
  overdueDays: (n: string) => `${n} days overdue`,
  shown: (from: string, to: string, total: string) => `Showing ${from}–${to} of ${total} tasks`,
  noTasks: 'No task matches the filters.',
  previous: 'Previous page',
  next: 'Next page',
  pagination: 'Pages',
  downloadCsv: 'Download the list (CSV)',
  downloadJson: 'Download the list (JSON)',
  openDataNote: 'The same list, without personal data, with the filters chosen.',
  chartStatusAlt: 'Bar chart: tasks by status. The figures are in the table below.',
  chartMinistryAlt: 'Bar chart: open and overdue tasks by ministry. The figures are in the table below.',
  signInTitle: 'Sign in',
  signInLead:
    'Ministry, Home Affairs and locality officers sign in to see and update tasks. The public needs no account.',
  byLink: 'Get a sign-in link by e-mail',
  byLinkHint:
    "A ministry focal point's or Home Affairs' address from the catalog. The link works once, for 15 minutes.",
  email: 'E-mail address',
  sendLink: 'Send the link',
  byToken: 'Sign in with an access token',
  byTokenHint: 'Paste the access token you were issued (it starts with dtt_).',
  token: 'Access token',
  signInButton: 'Sign in',
  linkSentTitle: 'Check your e-mail',
  linkSentBody:
    'If this address is in the catalog, we have sent a sign-in link to it. The link expires in 15 minutes and works once.',
  linkConfirmTitle: 'Finish signing in',
  linkConfirmBody: 'Press the button below to sign in.',
  linkInvalidTitle: 'This link cannot be used',
  linkInvalidBody: 'The link has expired or has been used already. Ask for a new one.',
  signedOut: 'You have signed out.',
  tooManyTitle: 'Too many attempts',
  tooManyBody: 'There were too many sign-in attempts. Please try again in a minute.',
  errTokenEmpty: 'Enter the access token',
  errTokenUnknown: 'The access token is wrong or has been revoked',
  errEmail: 'Enter an e-mail address in the right format, like name@ministry.gov.vn',
  errCsrf: 'The form is out of date. Reload the page and send it again.',
  dashboardTitle: 'Home Affairs dashboard',
  statusTotals: 'Tasks by status',
  count: 'Tasks',
  share: 'Share',
  bottlenecks: 'Bottlenecks by ministry',
  oldestOverdue: 'Longest overdue (days)',
  localitiesReporting: 'Localities reporting',
  localitiesReported: (n: string, total: string) => `${n} of ${total} localities have reported`,
  notReported: 'Not reported yet',
  allReported: 'Every locality has reported.',
  dueSoon: 'Due in the next 14 days',
  noneDueSoon: 'No task is due in the next 14 days.',
  obstacleReports: 'Obstacle reports',
  noObstacles: 'No locality has reported an obstacle yet.',
  obstacleCount: 'Obstacle reports',
  oldestOpen: 'Longest-open tasks',
  worklistTitle: 'Worklist',
  worklistLead: (m: string) => `The tasks the ${m} leads or coordinates, soonest due first. Overdue tasks are marked.`,
  role: 'Role',
  roleLead: 'Lead',
  roleCoordinating: 'Coordinating',
  taskTitle: (code: string) => `Task ${code}`,
  since: 'Since',
  sector: 'Sector',
  legalBasis: 'Legal basis',
  level: 'Level',
  levelProvince: 'Province',
  levelCommune: 'Commune',
  focalPoint: 'Focal point',
  notNamed: 'Not named',
  deadlineExtensions: 'Deadline extensions',
  milestones: 'Milestones',
  noMilestones: 'No milestone recorded yet.',
  documents: 'Issued documents',
  noDocuments: 'No document yet.',
  documentNumber: 'Document number',
  issuedOn: 'Date issued',
  effectiveOn: 'Date effective',
  localityReports: 'Locality reports',
  noReports: 'No locality has reported yet.',
  workableCount: 'Workable',
  obstacleCountShort: 'Obstacle',
  locality: 'Locality',
  report: 'Report',
  reportedOn: 'Reported on',
  timeline: 'History',
  recordedAt: (when: string) => `recorded in the tracker on ${when}`,
  chainValid: (n: string) => `Hash chain verified (${n} ${n === '1' ? 'event' : 'events'} checked).`,
  chainBroken: (seq: string) => `Hash chain broken at event ${seq}.`,
  remindersSent: 'Reminders sent',
  noReminders: 'No reminder sent yet.',
  sentOn: 'Sent on',
  kind: 'Kind',
  actor: 'By',
  signInForMore: 'Sign in to see the focal point, the history and the reminders.',
  actions: 'Update the task',
  recordMilestone: 'Record a milestone',
  milestone: 'Milestone',
  note: 'Note (optional)',
  noteColumn: 'Note',
  recordedOn: 'Recorded on',
  save: 'Save',
  moveTask: (to: string) => `Move to: ${to}`,
  reason: 'Reason',
  move: 'Move the task',
  changeFocalPoint: 'Change the focal point',
  focalPointName: 'Full name',
  focalPointEmail: 'E-mail',
  reportOnTask: 'Report whether the task is workable locally',
  reportKind: 'In this locality the task is',
  description: 'Description (required for an obstacle)',
  sendReport: 'Send the report',
  setDeadline: 'Set or extend the deadline',
  newDueDate: 'New due date',
  done: 'Your change has been saved.',
  errStale: 'The task has changed status meanwhile; reload the page.',
};

const MESSAGES: Record<Lang, Messages> = { vi, en };

export function messages(lang: Lang): Messages {
  return MESSAGES[lang];
}

const EVENT_KINDS: Record<string, Record<Lang, string>> = {
  CREATED: { vi: 'Đăng ký nhiệm vụ', en: 'Registered' },
  TRANSITION: { vi: 'Chuyển tình trạng', en: 'Status changed' },
  MILESTONE: { vi: 'Mốc tiến độ', en: 'Milestone' },
  ASSIGNMENT: { vi: 'Phân công', en: 'Assignment' },
  DEADLINE: { vi: 'Thời hạn', en: 'Deadline' },
  LOCALITY_REPORT: { vi: 'Báo cáo của địa phương', en: 'Locality report' },
  DEFINITION_UPDATED: { vi: 'Sửa nội dung nhiệm vụ', en: 'Definition changed' },
  REMINDER_SENT: { vi: 'Đã gửi nhắc hạn', en: 'Reminder sent' },
  ESCALATED: { vi: 'Báo cáo lên Bộ Nội vụ', en: 'Escalated' },
  OVERDUE_REMINDER: { vi: 'Nhắc quá hạn', en: 'Overdue reminder' },
  REMINDER: { vi: 'Nhắc hạn', en: 'Reminder' },
  ESCALATION: { vi: 'Báo cáo lên Bộ Nội vụ', en: 'Escalation' },
  OVERDUE: { vi: 'Nhắc quá hạn', en: 'Overdue reminder' },
};

export function eventKindName(lang: Lang, kind: string): string {
  return EVENT_KINDS[kind]?.[lang] ?? kind;
}

/** One line about an audit event, in the page's language. */
export function eventSummary(lang: Lang, kind: string, details: Record<string, unknown>): string {
  const name = eventKindName(lang, kind);
  const d = details as { from?: unknown; to?: unknown; name?: unknown; locality?: unknown; kind?: unknown };
  switch (kind) {
    case 'TRANSITION':
      return `${name}: ${statusName(lang, d.from as TaskStatus)} → ${statusName(lang, d.to as TaskStatus)}`;
    case 'MILESTONE':
      return `${name}: ${milestoneName(lang, String(d.name))}`;
    case 'DEADLINE':
      return `${name}: ${formatDate(lang, typeof d.to === 'string' ? d.to : null)}`;
    case 'LOCALITY_REPORT':
      return `${name}: ${localityName(lang, String(d.locality))} – ${reportKindName(lang, String(d.kind))}`;
    case 'CREATED': {
      // The baseline as assessed: its status and due date.
      const c = details as { status?: unknown; dueDate?: unknown };
      const status = typeof c.status === 'string' ? statusName(lang, c.status as TaskStatus) : '';
      const due =
        typeof c.dueDate === 'string' ? `, ${lang === 'vi' ? 'hạn' : 'due'} ${formatDate(lang, c.dueDate)}` : '';
      return status ? `${name}: ${status}${due}` : name;
    }
    case 'DEFINITION_UPDATED': {
      const where = ((details as { changes?: Record<string, { to?: unknown }> }).changes ?? {}).appliesTo;
      if (!where) return name;
      const to = Array.isArray(where.to)
        ? where.to.map((c) => localityName(lang, String(c))).join(', ')
        : lang === 'vi'
          ? 'cả 34 tỉnh, thành phố'
          : 'all 34 provinces and cities';
      return `${name}: ${lang === 'vi' ? 'áp dụng tại' : 'applies in'} ${to}`;
    }
    default:
      return name;
  }
}
