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
  return {
    reported: statuses.filter((l) => l.reportedAt !== null).length,
    total: statuses.length,
    round: statuses[0]?.currentRound ?? null,
  };
}

/** The line itself; `inline` puts it inside a sentence (the public page's "data as of ..." line). */
export function WhoReportedLine(props: { lang: Lang; figures: WhoReportedFigures; inline?: boolean }) {
  const m = localityMessages[props.lang];
  const f = props.figures;
  const text =
    f.round === null
      ? m.whoReportedNone
      : m.whoReported(formatNumber(props.lang, f.reported), formatNumber(props.lang, f.total));
  return props.inline ? (
    <span id="who-reported" data-reported={f.reported} data-total={f.total}>
      {text}
    </span>
  ) : (
    <p id="who-reported" data-reported={f.reported} data-total={f.total}>
      {text}
    </p>
  );
}
