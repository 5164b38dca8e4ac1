import { TASK_STATUSES, type TaskStatus } from '../../domain/task';
import { ministryChartSvg, statusChartSvg, svgDataUrl } from '../../web/charts';
import type { MinistryProgress, StatusTotals } from '../../web/headline-figures';

/** Totals with the given counts by status (percentages are not drawn). */
function totals(counts: number[]): StatusTotals {
  return {
    total: counts.reduce((a, b) => a + b, 0),
    byStatus: Object.fromEntries(TASK_STATUSES.map((s, i) => [s, { count: counts[i] ?? 0, percent: 0 }])) as Record<
      TaskStatus,
      { count: number; percent: number }
    >,
  };
}

const ministry = (code: string, open: number, overdue: number): MinistryProgress => ({
  ministry: code,
  total: open + 3,
  open,
  overdue,
});

describe('charts drawn once per language and figures (web/charts.ts)', () => {
  it('when the same figures are drawn again, then the chart is the same; when a figure or the language changes, then it is drawn anew with it', () => {
    const counts = TASK_STATUSES.map((_, i) => 100 + i);
    const first = statusChartSvg('vi', totals(counts));
    expect(statusChartSvg('vi', totals([...counts]))).toBe(first);
    const changed = statusChartSvg('vi', totals([4321, ...counts.slice(1)]));
    expect(changed).not.toBe(first);
    expect(changed).toContain('4.321');
    expect(statusChartSvg('en', totals(counts))).not.toBe(first);

    const rows = [ministry('BYT', 7, 2), ministry('BTC', 5, 0)];
    const drawn = ministryChartSvg('vi', rows);
    expect(
      ministryChartSvg(
        'vi',
        rows.map((r) => ({ ...r })),
      ),
    ).toBe(drawn);
    expect(drawn).toContain('Bộ Y tế');
    // One more overdue task at one ministry: a different bar, not the remembered chart.
    expect(ministryChartSvg('vi', [ministry('BYT', 7, 3), ministry('BTC', 5, 0)])).not.toBe(drawn);
    // A ministry with no task is not drawn, so it does not make another chart either.
    expect(ministryChartSvg('vi', [...rows, { ...ministry('BCA', 0, 0), total: 0 }])).toBe(drawn);
  });

  it("when a chart becomes a data: URL, then it decodes to the same SVG, with no bare '#', '%' or line break left", () => {
    const svg = statusChartSvg('vi', totals(TASK_STATUSES.map(() => 5)));
    const url = svgDataUrl(`${svg}\n<!-- 100% #1 -->`);
    const prefix = 'data:image/svg+xml;charset=utf-8,';
    expect(url.startsWith(prefix)).toBe(true);
    const body = url.slice(prefix.length);
    expect(body).not.toMatch(/[#\n\r\t]|%(?![0-9A-F]{2})/);
    expect(decodeURIComponent(body)).toBe(`${svg}\n<!-- 100% #1 -->`);
    // Vietnamese text stays as it is (UTF-8), not percent-encoded three bytes at a time.
    expect(body).toContain('Cần ban hành');
  });
});
