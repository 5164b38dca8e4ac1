/**
 * A workflow interceptor for replays only: every persistEvent the workflow schedules (as a local
 * activity, or a remote one in the oldest histories) is handed to the `recorder` sink, so a replay of a
 * recorded history gives back the audit log it wrote: the (event, snapshot) pairs, in order.
 */
import { proxySinks, type Sinks, type WorkflowInterceptorsFactory } from '@temporalio/workflow';

export interface RecorderSinks extends Sinks {
  recorder: { persisted(input: unknown): void };
}

const { recorder } = proxySinks<RecorderSinks>();

export const interceptors: WorkflowInterceptorsFactory = () => ({
  outbound: [
    {
      scheduleLocalActivity(input, next) {
        if (input.activityType === 'persistEvent') recorder.persisted(input.args[0]);
        return next(input);
      },
      scheduleActivity(input, next) {
        if (input.activityType === 'persistEvent') recorder.persisted(input.args[0]);
        return next(input);
      },
    },
  ],
});
