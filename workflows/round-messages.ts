import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { CloseRoundInput, ExtendRoundInput, RoundState } from '../domain/reporting-round';

/** What a closed round froze: who reported, of how many. */
export interface RoundOutcome {
  id: string;
  reported: number;
  total: number;
  notReported: string[];
  closedEarly: boolean;
}

/** Messages of the round workflow, shared by the workflow, the API and tests. */
export const extendRoundUpdate = defineUpdate<RoundState, [ExtendRoundInput]>('extendRound');
export const closeRoundUpdate = defineUpdate<RoundOutcome, [CloseRoundInput]>('closeRound');
export const roundStateQuery = defineQuery<RoundState>('roundState');
