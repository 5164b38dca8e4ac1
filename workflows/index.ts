export { taskWorkflow } from './task-workflow';
export { dailyDigestWorkflow, weeklyBottleneckDigestWorkflow } from './digest-workflows';
export { roundWorkflow } from './round-workflow';
