import { KIND_NAMES_VI, type DocumentKind } from '../../domain/legal-documents';
import { formatDate, ministryName, type Lang } from '../i18n';

/** Strings of the legal-document pages and of the task page's documents, extensions, hold-ups and deadline. */
const vi = {
  navDocuments: 'Văn bản',
  // the registry
  documentsTitle: 'Văn bản quy phạm và hướng dẫn',
  documentsLead:
    'Các văn bản do các bộ, Chính phủ và Quốc hội ban hành để hướng dẫn hoặc điều chỉnh nhiệm vụ phân cấp. Văn bản pháp luật là thông tin công khai.',
  search: 'Tìm văn bản',
  searchWords: 'Số hiệu hoặc từ trong trích yếu',
  issuer: 'Cơ quan ban hành',
  anyIssuer: 'Tất cả cơ quan',
  kind: 'Loại văn bản',
  anyKind: 'Tất cả các loại',
  show: 'Tìm',
  number: 'Số hiệu',
  title: 'Trích yếu',
  issuedOn: 'Ngày ban hành',
  effectiveOn: 'Ngày có hiệu lực',
  link: 'Liên kết',
  openDocument: (n: string) => `Mở văn bản ${n}`,
  noDocumentsFound: 'Không có văn bản nào phù hợp.',
  documentsCaption: 'Danh sách văn bản, mới nhất trước',
  shown: (from: string, to: string, total: string) => `Hiển thị ${from}–${to} trên ${total} văn bản`,
  // register
  registerTitle: 'Đăng ký văn bản',
  registerLead:
    'Bộ đăng ký văn bản do bộ mình ban hành; Bộ Nội vụ đăng ký mọi văn bản. Việc đăng ký được ghi vào nhật ký kiểm toán; các nhiệm vụ đang chờ văn bản này được tự động giải tỏa.',
  numberHint: 'Dạng số/năm/ký hiệu, ví dụ 15/2026/TT-BYT',
  urlLabel: 'Liên kết đến văn bản (không bắt buộc)',
  effectiveHint: 'ngày/tháng/năm; để trống nếu có hiệu lực ngay ngày ban hành',
  register: 'Đăng ký văn bản',
  registered: (n: string) => `Đã đăng ký văn bản ${n}.`,
  signInToRegister: 'Các bộ và Bộ Nội vụ đăng nhập để đăng ký văn bản và dùng văn bản giải quyết nhiệm vụ.',
  releasedTasks: (codes: string) => `Đã giải tỏa các nhiệm vụ đang chờ văn bản này: ${codes}.`,
  errAlreadyRegistered: 'Văn bản với số hiệu này đã được đăng ký',
  errNumberForm: 'Nhập số hiệu theo dạng số/năm/ký hiệu, ví dụ 15/2026/TT-BYT',
  errSymbol: 'Ký hiệu trong số hiệu không khớp với loại văn bản hoặc cơ quan ban hành',
  errIssuedFuture: 'Ngày ban hành không được sau hôm nay và phải cùng năm với số hiệu',
  errEffectiveBefore: 'Ngày có hiệu lực phải từ ngày ban hành trở đi (trong vòng mười năm)',
  errUrl: 'Nhập một địa chỉ bắt đầu bằng http:// hoặc https://',
  errIssuerNotYours: 'Bộ chỉ đăng ký văn bản do bộ mình ban hành',
  // settle
  settleTitle: 'Một văn bản giải quyết nhiều nhiệm vụ',
  settleLead:
    'Chọn văn bản đã đăng ký và các nhiệm vụ mà văn bản giải quyết. Mọi nhiệm vụ được kiểm tra trước: chỉ cần một nhiệm vụ bị từ chối thì không nhiệm vụ nào thay đổi.',
  settleDocument: 'Số hiệu văn bản đã đăng ký',
  settleYourTasks: 'Nhiệm vụ bộ chủ trì đang chờ hướng dẫn',
  settleCodes: 'Mã nhiệm vụ khác',
  settleCodesHint: 'Mỗi mã cách nhau bởi dấu cách, dấu phẩy hoặc xuống dòng, ví dụ BYT-001, BYT-002',
  settle: 'Giải quyết các nhiệm vụ',
  errNoTasks: 'Chọn ít nhất một nhiệm vụ',
  errTooManyTasks: 'Tối đa 500 nhiệm vụ mỗi lần',
  errUnknownDocument: 'Chưa có văn bản đã đăng ký với số hiệu này',
  errNotYourDocument: 'Bộ chỉ dùng văn bản do bộ mình ban hành',
  refusalsTitle: (n: string, total: string) => `Không nhiệm vụ nào thay đổi: ${n} trên ${total} nhiệm vụ bị từ chối.`,
  refusalNotFound: 'Không có nhiệm vụ này',
  refusalForbidden: 'Nhiệm vụ do bộ khác chủ trì',
  errTaskCodes: (codes: string) => `Mã nhiệm vụ không hợp lệ: ${codes}`,
  errNotIssuedYet: 'Văn bản chưa được ban hành',
  refusalFeasible: 'Nhiệm vụ đã đủ điều kiện thực hiện',
  refusalPending: 'Nhiệm vụ đã chờ hiệu lực của một văn bản khác',
  task: 'Nhiệm vụ',
  why: 'Lý do',
  resultsTitle: (n: string) => `Kết quả: văn bản ${n}`,
  resultsCaption: 'Kết quả theo từng nhiệm vụ',
  outcome: 'Kết quả',
  outcomeFeasible: 'Đủ điều kiện thực hiện',
  outcomeFeasibleFrom: (d: string) => `Đủ điều kiện từ ${d}`,
  outcomeRefused: 'Bị từ chối (nhiệm vụ đã thay đổi)',
  // on the task
  feasibleFrom: (d: string) => `đủ điều kiện từ ${d}`,
  taskDocumentsCaption: 'Văn bản của nhiệm vụ',
  viaTransition: 'khi chuyển trạng thái',
  viaSettlement: 'giải quyết nhiều nhiệm vụ',
  recordedVia: 'Ghi nhận',
  heldUp: 'Đang chờ bộ khác',
  heldUpBy: (ministry: string, what: string) => `Đang chờ ${ministry}: ${what}`,
  awaitedNumber: (n: string) => `văn bản số ${n}`,
  heldUpSince: (d: string) => `từ ${d}`,
  holdUpTitle: 'Ghi nhận nhiệm vụ đang chờ bộ khác',
  holdUpMinistry: 'Bộ ban hành văn bản đang chờ',
  holdUpDescription: 'Văn bản đang chờ',
  holdUpDescriptionHint: 'Ví dụ: Nghị định sửa đổi Nghị định 115/2020/NĐ-CP',
  holdUpNumber: 'Số hiệu văn bản (không bắt buộc)',
  holdUpNumberHint: 'Khi bộ đó đăng ký văn bản có số hiệu này, nhiệm vụ được tự động giải tỏa',
  holdUpSave: 'Ghi nhận',
  releaseTitle: 'Giải tỏa',
  release: 'Giải tỏa ngay',
  releaseLead: 'Nhiệm vụ được tự động giải tỏa khi văn bản được đăng ký; có thể giải tỏa thủ công tại đây.',
  errLeadItself: 'Chọn một bộ khác với bộ chủ trì',
  // extensions
  extensionTitle: 'Gia hạn',
  extensionPending: (d: string) => `Bộ chủ trì đề nghị gia hạn đến ${d}; đang chờ Bộ Nội vụ quyết định.`,
  extensionRequestTitle: 'Đề nghị gia hạn',
  extensionRequestLead: 'Hạn chỉ thay đổi khi Bộ Nội vụ chấp thuận.',
  newDueDate: 'Hạn mới đề nghị',
  reason: 'Lý do',
  sendRequest: 'Gửi đề nghị',
  errDateNotLater: 'Hạn mới phải sau hôm nay và sau hạn hiện tại',
  errRequestWaiting: 'Đã có một đề nghị đang chờ quyết định',
  decisionTitle: 'Quyết định về đề nghị gia hạn',
  decision: 'Quyết định',
  approve: 'Chấp thuận',
  refuse: 'Từ chối',
  decisionReason: 'Lý do (bắt buộc khi từ chối)',
  decide: 'Ghi quyết định',
  errRefusalReason: 'Nêu lý do từ chối',
  errRequestedPassed: 'Ngày đề nghị đã qua; hãy từ chối và đặt hạn mới',
  extensionHistory: 'Lịch sử gia hạn',
  extensionHistoryCaption: 'Các đề nghị và quyết định gia hạn',
  when: 'Thời điểm',
  event: 'Sự kiện',
  requestedDate: 'Hạn đề nghị hoặc được đặt',
  evRequested: 'Bộ chủ trì đề nghị',
  evApproved: 'Bộ Nội vụ chấp thuận',
  evRefused: 'Bộ Nội vụ từ chối',
  evDeadline: 'Bộ Nội vụ đặt hạn',
  noExtensions: 'Chưa có đề nghị gia hạn nào.',
  // Home Affairs' deadline
  deadlineTitle: 'Đặt hoặc thay đổi hạn',
  deadlineLead: 'Hạn rơi vào ngày nghỉ được chuyển sang ngày làm việc tiếp theo; việc nhắc hạn được lập lại ngay.',
  dueDate: 'Hạn mới',
  saveDeadline: 'Lưu hạn',
  errDeadlineState: 'Nhiệm vụ đã đủ điều kiện thực hiện không có hạn',
};

export type DocumentMessages = typeof vi;

const en: DocumentMessages = {
  navDocuments: 'Documents',
  documentsTitle: 'Legal documents and guidance',
  documentsLead:
    'The documents that ministries, the Government and the National Assembly issue to guide or adjust delegated tasks. Legal documents are public.',
  search: 'Search documents',
  searchWords: 'Number or words of the title',
  issuer: 'Issued by',
  anyIssuer: 'Any issuer',
  kind: 'Kind',
  anyKind: 'Any kind',
  show: 'Search',
  number: 'Number',
  title: 'Title',
  issuedOn: 'Issued on',
  effectiveOn: 'Effective on',
  link: 'Link',
  openDocument: (n) => `Open document ${n}`,
  noDocumentsFound: 'No document matches.',
  documentsCaption: 'Documents, newest first',
  shown: (from, to, total) => `Showing ${from}–${to} of ${total} documents`,
  registerTitle: 'Register a document',
  registerLead:
    'A ministry registers the documents it issues; Home Affairs registers any. Registration is audited; tasks waiting for this document are released by themselves.',
  numberHint: 'number/year/symbol, for example 15/2026/TT-BYT',
  urlLabel: 'Link to the document (optional)',
  effectiveHint: 'day/month/year; leave empty if it takes effect on the day it is issued',
  register: 'Register the document',
  registered: (n) => `Document ${n} is registered.`,
  signInToRegister: 'Ministries and Home Affairs sign in to register documents and settle tasks with them.',
  releasedTasks: (codes) => `Tasks waiting for it were released: ${codes}.`,
  errAlreadyRegistered: 'A document with this number is already registered',
  errNumberForm: 'Enter the number as number/year/symbol, for example 15/2026/TT-BYT',
  errSymbol: 'The symbol in the number does not match the kind or the issuer',
  errIssuedFuture: 'The issue date must not be after today and must be in the year the number says',
  errEffectiveBefore: 'The effective date must be on or after the issue date (within ten years)',
  errUrl: 'Enter an address starting with http:// or https://',
  errIssuerNotYours: 'A ministry registers only the documents it issues',
  settleTitle: 'One document settles many tasks',
  settleLead:
    'Choose a registered document and the tasks it settles. Every task is checked first: if any one is refused, none changes.',
  settleDocument: 'Number of the registered document',
  settleYourTasks: 'Tasks your ministry leads that wait for guidance',
  settleCodes: 'Other task codes',
  settleCodesHint: 'Separated by spaces, commas or new lines, for example BYT-001, BYT-002',
  settle: 'Settle the tasks',
  errNoTasks: 'Choose at least one task',
  errTooManyTasks: 'At most 500 tasks at a time',
  errUnknownDocument: 'No registered document has this number',
  errNotYourDocument: 'A ministry settles tasks only with the documents it issues',
  refusalsTitle: (n, total) => `Nothing changed: ${n} of ${total} tasks are refused.`,
  refusalNotFound: 'There is no such task',
  refusalForbidden: 'Led by another ministry',
  errTaskCodes: (codes) => `Not task codes: ${codes}`,
  errNotIssuedYet: 'The document is not issued yet',
  refusalFeasible: 'The task is already feasible',
  refusalPending: 'The task already waits for another document to take effect',
  task: 'Task',
  why: 'Why',
  resultsTitle: (n) => `Result: document ${n}`,
  resultsCaption: 'Result per task',
  outcome: 'Outcome',
  outcomeFeasible: 'Feasible',
  outcomeFeasibleFrom: (d) => `Feasible from ${d}`,
  outcomeRefused: 'Refused (the task changed meanwhile)',
  feasibleFrom: (d) => `feasible from ${d}`,
  taskDocumentsCaption: "The task's documents",
  viaTransition: 'with a transition',
  viaSettlement: 'settling many tasks',
  recordedVia: 'Recorded',
  heldUp: 'Held up',
  heldUpBy: (ministry, what) => `Held up by ${ministry}: ${what}`,
  awaitedNumber: (n) => `document ${n}`,
  heldUpSince: (d) => `since ${d}`,
  holdUpTitle: 'Record that another ministry holds the task up',
  holdUpMinistry: 'Ministry that issues the awaited document',
  holdUpDescription: 'Awaited document',
  holdUpDescriptionHint: 'For example: the decree amending Decree 115/2020/NĐ-CP',
  holdUpNumber: 'Its number (optional)',
  holdUpNumberHint: 'When that ministry registers a document with this number, the task is released by itself',
  holdUpSave: 'Record',
  releaseTitle: 'Release',
  release: 'Release now',
  releaseLead: 'The task is released by itself when the document is registered; it can be released by hand here.',
  errLeadItself: 'Choose a ministry other than the lead',
  extensionTitle: 'Extension',
  extensionPending: (d) => `The lead ministry asks for ${d}; waiting for Home Affairs to decide.`,
  extensionRequestTitle: 'Ask for an extension',
  extensionRequestLead: 'The deadline changes only when Home Affairs approves.',
  newDueDate: 'New due date asked for',
  reason: 'Reason',
  sendRequest: 'Send the request',
  errDateNotLater: 'The new date must be after today and after the current due date',
  errRequestWaiting: 'A request is already waiting for a decision',
  decisionTitle: 'Decide the extension request',
  decision: 'Decision',
  approve: 'Approve',
  refuse: 'Refuse',
  decisionReason: 'Reason (required to refuse)',
  decide: 'Record the decision',
  errRefusalReason: 'Give the reason for refusing',
  errRequestedPassed: 'The date asked for has passed; refuse it and set a new deadline',
  extensionHistory: 'Extension history',
  extensionHistoryCaption: 'Extension requests and decisions',
  when: 'When',
  event: 'Event',
  requestedDate: 'Due date asked for or set',
  evRequested: 'Lead ministry asked',
  evApproved: 'Home Affairs approved',
  evRefused: 'Home Affairs refused',
  evDeadline: 'Home Affairs set the deadline',
  noExtensions: 'No extension has been asked for.',
  deadlineTitle: 'Set or change the deadline',
  deadlineLead: 'A deadline on a day off moves to the next working day; reminders are planned again at once.',
  dueDate: 'New due date',
  saveDeadline: 'Save the deadline',
  errDeadlineState: 'A feasible task has no deadline',
};

export const documentMessages: Record<Lang, DocumentMessages> = { vi, en };

const KIND_NAMES: Record<Lang, Record<DocumentKind, string>> = {
  vi: KIND_NAMES_VI,
  en: {
    LAW: 'Law',
    RESOLUTION: 'Resolution',
    ORDINANCE: 'Ordinance',
    DECREE: 'Decree',
    DECISION: 'Decision',
    DIRECTIVE: 'Directive',
    CIRCULAR: 'Circular',
    JOINT_CIRCULAR: 'Joint circular',
    PLAN: 'Plan',
    OFFICIAL_LETTER: 'Official letter',
  },
};

export function documentKindName(lang: Lang, kind: string | null): string {
  if (!kind) return '—';
  return KIND_NAMES[lang][kind as DocumentKind] ?? kind;
}

const CENTRAL_ISSUER_NAMES: Record<Lang, Record<string, string>> = {
  vi: { QH: 'Quốc hội', UBTVQH: 'Ủy ban Thường vụ Quốc hội', CP: 'Chính phủ', TTg: 'Thủ tướng Chính phủ' },
  en: {
    QH: 'National Assembly',
    UBTVQH: 'Standing Committee of the National Assembly',
    CP: 'Government',
    TTg: 'Prime Minister',
  },
};

/** The name of a central issuer (QH, CP, ...), or null for a ministry code. */
export function centralIssuerName(lang: Lang, code: string): string | null {
  return CENTRAL_ISSUER_NAMES[lang][code] ?? null;
}

/** The issuing body's name: a central issuer's, or the ministry's. */
export function issuerName(lang: Lang, code: string): string {
  return centralIssuerName(lang, code) ?? ministryName(lang, code);
}

const EVENT_NAMES: Record<Lang, Record<string, string>> = {
  vi: {
    DOCUMENT_RECORDED: 'Ghi nhận văn bản (chờ ngày có hiệu lực)',
    EXTENSION_REQUESTED: 'Đề nghị gia hạn',
    EXTENSION_APPROVED: 'Chấp thuận gia hạn',
    EXTENSION_REFUSED: 'Từ chối gia hạn',
    HELD_UP: 'Đang chờ bộ khác',
    HOLD_UP_RELEASED: 'Giải tỏa',
  },
  en: {
    DOCUMENT_RECORDED: 'Document recorded (waiting for its effective date)',
    EXTENSION_REQUESTED: 'Extension asked for',
    EXTENSION_APPROVED: 'Extension approved',
    EXTENSION_REFUSED: 'Extension refused',
    HELD_UP: 'Held up by another ministry',
    HOLD_UP_RELEASED: 'Released',
  },
};

/** One line about an audit event of documents, extensions or hold-ups; null for the other kinds. */
export function documentEventSummary(lang: Lang, kind: string, details: Record<string, unknown>): string | null {
  const name = EVENT_NAMES[lang][kind];
  if (!name) return null;
  const d = details as { to?: unknown; requested?: unknown; ministry?: unknown; document?: { number?: unknown } };
  switch (kind) {
    case 'DOCUMENT_RECORDED':
      return typeof d.document?.number === 'string' ? `${name}: ${d.document.number}` : name;
    case 'EXTENSION_REQUESTED':
    case 'EXTENSION_APPROVED':
      return typeof d.to === 'string' ? `${name}: ${formatDate(lang, d.to)}` : name;
    case 'HELD_UP':
    case 'HOLD_UP_RELEASED':
      return typeof d.ministry === 'string' ? `${name}: ${ministryName(lang, d.ministry)}` : name;
    default:
      return name;
  }
}

/**
 * A document or date rule the application refused (domain/legal-documents.ts `DocumentRule`), said to
 * a reader beside the field: the same rule and values as the API's `errors[].rule` and `params`, in
 * the page's language. Undefined for a rule not listed (the field's own message is shown instead).
 */
export function documentRuleMessage(lang: Lang, rule: string, params: Record<string, string> = {}): string | undefined {
  const d = (v: string | undefined) => formatDate(lang, v ?? '');
  const who = (code: string | undefined) => (code ? issuerName(lang, code) : '');
  const vi: Record<string, () => string> = {
    NUMBER_FORM: () => 'Số hiệu phải có dạng số/năm/ký hiệu, ví dụ 15/2026/TT-BYT.',
    NOT_A_DATE: () => 'Ngày không hợp lệ (dd/mm/yyyy).',
    BEFORE_EARLIEST: () => `Ngày phải từ ${d(params.earliest)} trở đi.`,
    NOT_ISSUED_YET: () => `Văn bản chưa được ban hành: ngày ban hành không được muộn hơn hôm nay (${d(params.today)}).`,
    EFFECTIVE_BEFORE_ISSUED: () => `Ngày có hiệu lực phải từ ngày ban hành (${d(params.issuedOn)}) trở đi.`,
    EFFECTIVE_TOO_LATE: () => `Ngày có hiệu lực phải trong vòng 10 năm kể từ ngày ban hành (đến ${d(params.latest)}).`,
    YEAR_OF_NUMBER: () => `Ngày ban hành phải thuộc năm ${params.year ?? ''}, năm ghi trong số hiệu.`,
    BEYOND_WINDOW: () => `Ngày không được muộn hơn ${d(params.latest)} (10 năm kể từ hôm nay).`,
    SYMBOL_ISSUER: () => `Ký hiệu của số ${params.number ?? ''} không ghi cơ quan ban hành ${who(params.issuer)}.`,
    SYMBOL_KIND: () => 'Ký hiệu của số hiệu không khớp hoặc không cho biết loại văn bản (TT, NĐ, QĐ, ...).',
    UNKNOWN_ISSUER: () => 'Ký hiệu của số hiệu không ghi bộ, ngành hay cơ quan trung ương nào.',
    NOT_OWN_DOCUMENT: () =>
      `Văn bản ${params.number ?? ''} do ${who(params.issuer)} ban hành: bộ chỉ chuyển nhiệm vụ của mình bằng văn bản do bộ ban hành.`,
    CENTRAL_DOCUMENT: () =>
      `Văn bản ${params.number ?? ''} của ${who(params.issuer)}: chỉ Bộ Nội vụ chuyển nhiệm vụ bằng văn bản này.`,
    REGISTERED_OTHERWISE: () =>
      `Văn bản ${params.number ?? ''} đã được đăng ký với ngày ${d(params.issuedOn ?? params.effectiveOn)}.`,
    HOLDER_NOT_ISSUER: () => `Văn bản phải do ${who(params.ministry)}, bộ đang được chờ, ban hành.`,
  };
  const en: Record<string, () => string> = {
    NUMBER_FORM: () => 'The number must read number/year/SYMBOL, e.g. 15/2026/TT-BYT.',
    NOT_A_DATE: () => 'Not a valid date (dd/mm/yyyy).',
    BEFORE_EARLIEST: () => `The date must be on or after ${d(params.earliest)}.`,
    NOT_ISSUED_YET: () =>
      `The document is not issued yet: the issue date cannot be later than today (${d(params.today)}).`,
    EFFECTIVE_BEFORE_ISSUED: () => `The effective date must be on or after the issue date (${d(params.issuedOn)}).`,
    EFFECTIVE_TOO_LATE: () => `The effective date must be within 10 years of the issue date (by ${d(params.latest)}).`,
    YEAR_OF_NUMBER: () => `The issue date must be in ${params.year ?? ''}, the year in the number.`,
    BEYOND_WINDOW: () => `The date cannot be later than ${d(params.latest)} (10 years from today).`,
    SYMBOL_ISSUER: () => `The symbol of ${params.number ?? ''} does not name the issuer ${who(params.issuer)}.`,
    SYMBOL_KIND: () =>
      'The symbol of the number does not match or does not say the kind of document (TT, NĐ, QĐ, ...).',
    UNKNOWN_ISSUER: () => 'The symbol of the number names no ministry or central body.',
    NOT_OWN_DOCUMENT: () =>
      `${params.number ?? ''} was issued by ${who(params.issuer)}: a ministry moves its tasks only with documents it issued.`,
    CENTRAL_DOCUMENT: () =>
      `${params.number ?? ''} is a document of ${who(params.issuer)}: only Home Affairs moves tasks with it.`,
    REGISTERED_OTHERWISE: () =>
      `${params.number ?? ''} is registered with the date ${d(params.issuedOn ?? params.effectiveOn)}.`,
    HOLDER_NOT_ISSUER: () => `The document must be one ${who(params.ministry)}, the ministry waited for, issues.`,
  };
  return (lang === 'vi' ? vi : en)[rule]?.();
}
