import type { LocalityStatus } from '../../db/matrix';
import { formatNumber, type Lang } from '../i18n';
import { localityMessages } from '../messages/localities';

/** "Who reported" in the current round, as GET /api/localities, /rounds and the dashboard count it. */
export interface WhoReportedFigures {
  reported: number;
  total: number;
  round: string | null;
}

/** The figures from the one reading of the current round's rows (db/matrix.ts localityStatuses). */
export function whoReported(statuses: LocalityStatus[]): WhoReportedFigures {
  return { reported: statuses.filter((l) => l.reportedAt !== null).length, total: statuses.length, round: statuses[0]?.currentRound ?? null };
}

export function WhoReportedLine(props: { lang: Lang; figures: WhoReportedFigures }) {
  const m = localityMessages[props.lang];
  const f = props.figures;
  return (
    <p id="who-reported" data-reported={f.reported} data-total={f.total}>
      {f.round === null ? m.whoReportedNone : m.whoReported(formatNumber(props.lang, f.reported), formatNumber(props.lang, f.total), f.round)}
    </p>
  );
}
