import * as echarts from 'echarts';
import { TASK_STATUSES } from '../domain/task';
import { STATUS_RULES } from '../domain/statuses';
import type { TrendPoint } from '../domain/trend';
import { formatDate, formatNumber, messages, ministryName, statusName, type Lang } from './i18n';
import type { MinistryProgress, StatusTotals } from './headline-figures';
import { insightMessages } from './messages/insight';

/**
 * Charts are drawn on the server by ECharts' SVG renderer and served as images: the page stays
 * free of inline styles and scripts (strict CSP), and every chart sits beside a table that
 * carries the same figures and links.
 */
function renderSvg(option: echarts.EChartsOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({
      animation: false,
      textStyle: { fontFamily: 'Arial, sans-serif', fontSize: 16, color: '#0b0c0c' },
      ...option,
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/**
 * A chart as a data: URL for an <img>: the chart that is a page's largest paint (the public page's
 * progress by ministry, the dashboard's status totals) comes with the page, drawn from the very
 * figures its table shows, instead of one more request that reads them again. An SVG in an <img>
 * runs no script; the pages' CSP allows data: for images only.
 */
export function svgDataUrl(svg: string): string {
  // Only what a data: URL cannot carry as it is: '%' and '#', and the line breaks and tabs a URL
  // parser drops (the text stays UTF-8, and the attribute's quoting is the renderer's).
  return `data:image/svg+xml;charset=utf-8,${svg.replace(/[%#\t\n\r]/g, (c) => encodeURIComponent(c))}`;
}

/**
 * The charts drawn lately, by exactly what they are drawn from (language and figures): drawing one
 * takes ECharts 15-30 ms, and the public page and the dashboard draw theirs on every request while
 * the figures change far less often. The oldest is forgotten first.
 */
const drawn = new Map<string, string>();
const DRAWN_KEPT = 32;
function remembered(key: string, draw: () => string): string {
  const known = drawn.get(key);
  if (known !== undefined) {
    drawn.delete(key);
    drawn.set(key, known);
    return known;
  }
  const svg = draw();
  drawn.set(key, svg);
  if (drawn.size > DRAWN_KEPT) drawn.delete(drawn.keys().next().value as string);
  return svg;
}

export function statusChartSvg(lang: Lang, totals: StatusTotals): string {
  const counts = TASK_STATUSES.map((s) => totals.byStatus[s].count);
  return remembered(`status|${lang}|${counts.join(',')}`, () => drawStatusChart(lang, counts));
}

function drawStatusChart(lang: Lang, counts: number[]): string {
  return renderSvg(
    {
      grid: { left: 300, right: 80, top: 20, bottom: 30 },
      xAxis: {
        type: 'value',
        minInterval: 1,
        axisLabel: { fontSize: 15, formatter: (v: number) => formatNumber(lang, v) },
      },
      yAxis: {
        type: 'category',
        inverse: true,
        data: TASK_STATUSES.map((s) => statusName(lang, s)),
        axisLabel: { fontSize: 15, width: 280, overflow: 'break' },
      },
      series: [
        {
          type: 'bar',
          data: TASK_STATUSES.map((s, i) => ({
            value: counts[i],
            itemStyle: { color: STATUS_RULES[s].colour },
          })),
          label: { show: true, position: 'right', fontSize: 15, formatter: (p) => formatNumber(lang, Number(p.value)) },
        },
      ],
    },
    900,
    220,
  );
}

export function ministryChartSvg(lang: Lang, rows: MinistryProgress[]): string {
  const shown = rows.filter((r) => r.total > 0).map(({ ministry, open, overdue }) => ({ ministry, open, overdue }));
  return remembered(`ministries|${lang}|${JSON.stringify(shown)}`, () => drawMinistryChart(lang, shown));
}

function drawMinistryChart(lang: Lang, shown: Pick<MinistryProgress, 'ministry' | 'open' | 'overdue'>[]): string {
  const t = messages(lang);
  return renderSvg(
    {
      legend: { top: 0, data: [t.open, t.overdue], textStyle: { fontSize: 15 } },
      // The labels are cut at 250 px as ECharts measures them (Arial's widths); a browser without
      // Arial draws them in a wider font (DejaVu Sans, about a tenth wider), so the margin leaves room.
      grid: { left: 300, right: 40, top: 36, bottom: 30 },
      xAxis: {
        type: 'value',
        minInterval: 1,
        axisLabel: { fontSize: 15, formatter: (v: number) => formatNumber(lang, v) },
      },
      yAxis: {
        type: 'category',
        inverse: true,
        data: shown.map((r) => ministryName(lang, r.ministry)),
        axisLabel: { fontSize: 15, width: 250, overflow: 'truncate' },
      },
      series: [
        { name: t.open, type: 'bar', data: shown.map((r) => r.open), itemStyle: { color: '#1d70b8' } },
        { name: t.overdue, type: 'bar', data: shown.map((r) => r.overdue), itemStyle: { color: '#d4351c' } },
      ],
    },
    900,
    Math.max(200, 60 + shown.length * 34),
  );
}

/** The weekly trend: tasks in each status, and overdue, at the end of every week (the table beside it has the same figures). */
export function trendChartSvg(lang: Lang, points: TrendPoint[]): string {
  const weeks = points.map((p) => formatDate(lang, p.weekStart).slice(0, 5));
  const overdueName = insightMessages[lang].overdueCount;
  return renderSvg(
    {
      // Wide gaps: ECharts places the names by Arial's widths, and a browser without Arial draws them
      // wider. The longer Vietnamese names then take two rows, which the plot leaves room for.
      legend: { top: 0, itemGap: 36, textStyle: { fontSize: 14 } },
      grid: { left: 70, right: 30, top: 88, bottom: 40 },
      xAxis: {
        type: 'category',
        data: weeks,
        axisLabel: { fontSize: 14 },
        name: insightMessages[lang].weekOf,
        nameLocation: 'middle',
        nameGap: 28,
      },
      yAxis: {
        type: 'value',
        minInterval: 1,
        axisLabel: { fontSize: 14, formatter: (v: number) => formatNumber(lang, v) },
      },
      series: [
        ...TASK_STATUSES.map((s) => ({
          name: statusName(lang, s),
          type: 'line' as const,
          data: points.map((p) => p.byStatus[s]),
          itemStyle: { color: STATUS_RULES[s].colour },
          lineStyle: { width: 3 },
          symbol: 'circle',
          symbolSize: 6,
        })),
        {
          name: overdueName,
          type: 'line' as const,
          data: points.map((p) => p.overdue),
          itemStyle: { color: '#0b0c0c' },
          lineStyle: { width: 3, type: 'dashed' as const },
          symbol: 'rect',
          symbolSize: 7,
        },
      ],
    },
    900,
    360,
  );
}
