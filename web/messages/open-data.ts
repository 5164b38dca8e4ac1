import type { Lang } from '../i18n';
import { STATUS_RULES, TASK_STATUSES } from '../../domain/statuses';

/** The status codes and their names (domain/statuses.ts), as the open-data column's values. */
const statusValues = (lang: Lang) =>
  TASK_STATUSES.map((s) => `${s}: ${STATUS_RULES[s][lang].replace(/^./, (c) => c.toLowerCase())}`).join('; ');

/** One column of the open data: its meaning, type and values, in the reader's language. */
export interface ColumnEntry {
  column: string;
  meaning: string;
  type: string;
  values: string;
}

/** Strings of the public page's open-data block and of the data dictionary (/open-data/dictionary). */
const vi = {
  downloadXlsx: 'Tải danh sách (Excel .xlsx)',
  csvNote: 'Tệp CSV mã hoá UTF-8 có BOM, nên Excel hiển thị đúng tiếng Việt.',
  dataAsOf: (at: string) => `Dữ liệu tính đến ${at}`,
  dictionaryLink: 'Từ điển dữ liệu (ý nghĩa từng cột)',
  dictionaryTitle: 'Từ điển dữ liệu mở',
  dictionaryLead:
    'Các tệp CSV, Excel (.xlsx) và JSON của danh sách nhiệm vụ có cùng các cột dưới đây. Không có dữ liệu cá nhân. Tiêu đề, lĩnh vực và căn cứ pháp lý có bằng tiếng Việt và tiếng Anh; cột tiếng Anh để trống khi danh mục chưa có bản dịch.',
  dictionaryCaption: 'Các cột của dữ liệu mở',
  column: 'Cột',
  meaning: 'Ý nghĩa',
  type: 'Kiểu',
  values: 'Giá trị',
  jsonNote:
    'Tệp JSON: mỗi nhiệm vụ có các trường như API (GET /api/tasks), gồm titles, sectors, legalBases dạng {vi, en}.',
  columns: [
    { column: 'code', meaning: 'Mã nhiệm vụ', type: 'văn bản', values: 'ví dụ BYT-005' },
    { column: 'title', meaning: 'Tên nhiệm vụ (tiếng Việt)', type: 'văn bản', values: '' },
    { column: 'sector', meaning: 'Lĩnh vực (tiếng Việt)', type: 'văn bản', values: '' },
    {
      column: 'status',
      meaning: 'Tình trạng',
      type: 'mã',
      values: statusValues('vi'),
    },
    { column: 'leadMinistry', meaning: 'Bộ chủ trì', type: 'mã', values: 'mã bộ, ví dụ BYT (Bộ Y tế)' },
    {
      column: 'coordinatingMinistries',
      meaning: 'Bộ phối hợp',
      type: 'danh sách mã',
      values: 'các mã cách nhau bởi dấu ;',
    },
    { column: 'dueDate', meaning: 'Hạn hoàn thành', type: 'ngày', values: 'YYYY-MM-DD; để trống khi đã đủ điều kiện' },
    { column: 'daysOverdue', meaning: 'Số ngày quá hạn', type: 'số nguyên', values: '0 khi chưa quá hạn' },
    { column: 'workableReports', meaning: 'Số báo cáo của địa phương: thực hiện được', type: 'số nguyên', values: '' },
    { column: 'obstacleReports', meaning: 'Số báo cáo của địa phương: có vướng mắc', type: 'số nguyên', values: '' },
    { column: 'titleEn', meaning: 'Tên nhiệm vụ (tiếng Anh)', type: 'văn bản', values: 'trống khi chưa có bản dịch' },
    { column: 'sectorEn', meaning: 'Lĩnh vực (tiếng Anh)', type: 'văn bản', values: 'trống khi chưa có bản dịch' },
    {
      column: 'legalBasis',
      meaning: 'Căn cứ pháp lý (tiếng Việt)',
      type: 'văn bản',
      values: 'ví dụ Điều 20 Nghị định 58/2025/NĐ-CP',
    },
    {
      column: 'legalBasisEn',
      meaning: 'Căn cứ pháp lý (tiếng Anh)',
      type: 'văn bản',
      values: 'ví dụ Decree 58/2025/ND-CP, Art. 20',
    },
  ] as ColumnEntry[],
};

const en: typeof vi = {
  downloadXlsx: 'Download the list (Excel .xlsx)',
  csvNote: 'The CSV file is UTF-8 with a byte-order mark, so Excel shows Vietnamese correctly.',
  dataAsOf: (at: string) => `Data as of ${at}`,
  dictionaryLink: 'Data dictionary (what each column means)',
  dictionaryTitle: 'Open data dictionary',
  dictionaryLead:
    'The CSV, Excel (.xlsx) and JSON files of the task list have the columns below. No personal data. Titles, sectors and legal bases are given in Vietnamese and in English; an English column is empty where the catalog has no rendering yet.',
  dictionaryCaption: 'The columns of the open data',
  column: 'Column',
  meaning: 'Meaning',
  type: 'Type',
  values: 'Values',
  jsonNote:
    'The JSON file: each task has the fields of the API (GET /api/tasks), including titles, sectors and legalBases as {vi, en}.',
  columns: [
    { column: 'code', meaning: 'Task code', type: 'text', values: 'e.g. BYT-005' },
    { column: 'title', meaning: 'Task title (Vietnamese)', type: 'text', values: '' },
    { column: 'sector', meaning: 'Sector (Vietnamese)', type: 'text', values: '' },
    {
      column: 'status',
      meaning: 'Status',
      type: 'code',
      values: statusValues('en'),
    },
    {
      column: 'leadMinistry',
      meaning: 'Lead ministry',
      type: 'code',
      values: 'a ministry code, e.g. BYT (Ministry of Health)',
    },
    {
      column: 'coordinatingMinistries',
      meaning: 'Coordinating ministries',
      type: 'list of codes',
      values: 'codes separated by ;',
    },
    { column: 'dueDate', meaning: 'Due date', type: 'date', values: 'YYYY-MM-DD; empty once feasible' },
    { column: 'daysOverdue', meaning: 'Days overdue', type: 'integer', values: '0 when not overdue' },
    { column: 'workableReports', meaning: 'Locality reports: workable', type: 'integer', values: '' },
    { column: 'obstacleReports', meaning: 'Locality reports: obstacle', type: 'integer', values: '' },
    { column: 'titleEn', meaning: 'Task title (English)', type: 'text', values: 'empty when there is no rendering' },
    { column: 'sectorEn', meaning: 'Sector (English)', type: 'text', values: 'empty when there is no rendering' },
    {
      column: 'legalBasis',
      meaning: 'Legal basis (Vietnamese)',
      type: 'text',
      values: 'e.g. Điều 20 Nghị định 58/2025/NĐ-CP',
    },
    {
      column: 'legalBasisEn',
      meaning: 'Legal basis (English)',
      type: 'text',
      values: 'e.g. Decree 58/2025/ND-CP, Art. 20',
    },
  ],
};

export const openDataMessages: Record<Lang, typeof vi> = { vi, en };
