/**
 * For a process `npm start` runs (API, worker): once the supervisor whose pid is `supervisorPid` is no
 * longer its parent (it died without stopping its children, e.g. SIGKILL), stop this process the
 * ordinary way, with SIGTERM to itself, so nothing keeps serving or polling on its own.
 */
export function exitWithSupervisor(supervisorPid: number | undefined, log: (message: string) => void): void {
  if (supervisorPid === undefined) return;
  const timer = setInterval(() => {
    if (process.ppid !== supervisorPid) {
      clearInterval(timer);
      log(`supervisor ${supervisorPid} is gone: stopping`);
      process.kill(process.pid, 'SIGTERM');
    }
  }, 500);
  timer.unref();
}
