/**
 * The one clock the domain reads "now" from, so tests can stand at any moment (a cut-off an hour
 * away, just passed) without touching timers. Production never sets it.
 */
let current: () => Date = () => new Date();

/** The current instant, from the clock in force. */
export function now(): Date {
  return current();
}

/**
 * Puts a clock in force (tests only) and returns the function that puts the previous one back.
 *
 * @example
 * const restore = setClock(() => new Date("2026-11-24T20:30:00Z"));
 * try { ... } finally { restore(); }
 */
export function setClock(clock: () => Date): () => void {
  const previous = current;
  current = clock;
  return () => {
    current = previous;
  };
}
