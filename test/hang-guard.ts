import { runInNewContext } from 'node:vm';

/**
 * Runs `fn` and returns its value, or throws "Script execution timed out" when it has not returned
 * after `ms`. jest's own timeout cannot stop synchronous code (a backtracking regular expression holds
 * the thread until it ends, minutes later); V8 interrupts it here. A hang guard for specs, to be set
 * far above the normal time: it turns "runs for minutes" into a failure, not a speed bound.
 */
export function finishesWithin<T>(ms: number, fn: () => T): T {
  return runInNewContext('run()', { run: fn }, { timeout: ms }) as T;
}

/** 1 MiB of UTF-8 at most: `unit` repeated, between `before` and `after`. */
export function mebibyteOf(unit: string, before = '', after = ''): string {
  const budget = 1_048_576 - Buffer.byteLength(before + after);
  const count = Math.floor(budget / Buffer.byteLength(unit));
  return before + unit.repeat(count) + after;
}
