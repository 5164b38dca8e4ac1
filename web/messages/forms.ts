// The language type comes from its own module: i18n.ts spreads these strings, so importing it here would be a cycle.
import type { Lang } from '../lang';

/**
 * Strings every form and filter on the pages shares (the error summary, field hints, the usual refusals,
 * the filter buttons). Defined once here and spread into `web/i18n.ts` and the per-area modules, so an area
 * does not write its own copy of them.
 */
const vi = {
  errorSummaryTitle: 'Có lỗi cần sửa',
  any: 'Tất cả',
  filter: 'Lọc',
  clearFilters: 'Bỏ lọc',
  dateHint: 'Ngày/tháng/năm, ví dụ 20/11/2026',
  optional: '(không bắt buộc)',
  errRequired: 'Trường này là bắt buộc',
  errDate: 'Nhập ngày theo dạng ngày/tháng/năm, ví dụ 20/11/2026',
  errTooLong: 'Nội dung quá dài',
  errChoose: 'Hãy chọn một mục',
  errEmailField: 'Nhập địa chỉ thư điện tử đúng dạng',
  errAddressTaken:
    'Địa chỉ này đã là địa chỉ của Bộ Nội vụ, của một địa phương hoặc của đầu mối một bộ khác; hãy nhập địa chỉ của chính bộ mình',
};

export type FormMessages = typeof vi;

const en: FormMessages = {
  errorSummaryTitle: 'There is a problem',
  any: 'All',
  filter: 'Filter',
  clearFilters: 'Clear filters',
  dateHint: 'Day/month/year, for example 20/11/2026',
  optional: '(optional)',
  errRequired: 'This field is required',
  errDate: 'Enter a date as day/month/year, for example 20/11/2026',
  errTooLong: 'The text is too long',
  errChoose: 'Choose one option',
  errEmailField: 'Enter an e-mail address in the right format',
  errAddressTaken:
    "This is already the address of Home Affairs, of a locality or of another ministry's focal point; enter an address of your own ministry",
};

export const formMessages: Record<Lang, FormMessages> = { vi, en };
