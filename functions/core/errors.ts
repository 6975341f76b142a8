/**
 * The one error base every Switchyard error family extends. Each carries a stable `code`:
 * errors cross Step Functions by name, and class names do not survive minification, so the
 * `name` IS the code (ASL `ErrorEquals` matches it).
 */
export class SwitchyardError extends Error {
  readonly code: string;
  /** Whether repeating the same call may succeed (throttles, timeouts) — never for bad input. */
  readonly retryable: boolean;
  constructor(code: string, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = code;
    this.retryable = options.retryable ?? false;
  }
}
