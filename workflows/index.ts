export { taskWorkflow } from './task-workflow';
export { dailyDigestWorkflow, weeklyBottleneckDigestWorkflow } from './digest-workflows';
export { settlementWorkflow } from './settlement-workflow';
