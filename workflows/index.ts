export { taskWorkflow } from './task-workflow';
export { dailyDigestWorkflow, weeklyBottleneckDigestWorkflow } from './digest-workflows';
export { releaseHoldUpsWorkflow, settlementWorkflow } from './settlement-workflow';
export { roundWorkflow } from './round-workflow';
export { queuedMailWorkflow } from './mail-workflow';
