/**
 * Runs `fn` every `intervalMs`, never two runs at once: the next run is timed from the end of the previous
 * one. A rejection goes to `onError` and the schedule goes on. `stop` resolves once a run in flight ends.
 */
export interface Periodic {
  stop(): Promise<void>;
}

export function periodic(fn: () => Promise<unknown>, intervalMs: number, opts: { immediate?: boolean; onError?: (err: unknown) => void } = {}): Periodic {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = (): void => {
    running = fn().then(() => undefined, (err: unknown) => opts.onError?.(err)).finally(() => {
      if (!stopped) timer = setTimeout(tick, intervalMs);
    });
  };
  if (opts.immediate) tick();
  else timer = setTimeout(tick, intervalMs);
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
