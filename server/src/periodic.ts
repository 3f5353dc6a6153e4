// A background job that runs now and then (retention pruning): first after `firstAfterMs`, then
// `everyMs` after each run ends; never two runs at once; `stop` waits for a run under way.

export interface Periodic<T> {
  /** Runs the job now (or joins the run under way) and returns its result. */
  run(): Promise<T>;
  /** Stops the timer and waits for a run under way. */
  stop(): Promise<void>;
}

export function startPeriodic<T>(job: () => Promise<T>, firstAfterMs: number, everyMs: number): Periodic<T> {
  let running: Promise<T> | null = null;
  let stopped = false;
  const run = (): Promise<T> => {
    running ??= job().finally(() => {
      running = null;
    });
    return running;
  };
  let timer: NodeJS.Timeout = setTimeout(function tick() {
    void run()
      .catch(() => {})
      .then(() => {
        if (stopped) return;
        timer = setTimeout(tick, everyMs);
        timer.unref();
      });
  }, firstAfterMs);
  timer.unref();
  return {
    run,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => {});
    },
  };
}
