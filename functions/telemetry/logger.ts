import { AsyncLocalStorage } from "node:async_hooks";
import { Logger, LogLevelThreshold } from "@aws-lambda-powertools/logger";
import type { LogEventName } from "./log-events.ts";

/** Correlation ids every line carries while they are known (set per handler call). */
export interface Correlation {
  readonly runId?: string;
  readonly threadId?: string;
  readonly executionName?: string;
  readonly workflow?: string;
  readonly node?: string;
  readonly taskId?: string;
}

/** Keys whose values are always secret, whatever `LOG_REDACT_FIELDS` adds (compared lower-case, without `_`/`-`). */
const SECRET_KEYS = [
  "password",
  "secret",
  "token",
  "apikey",
  "authorization",
  "credentials",
  "accesskeyid",
  "secretaccesskey",
  "sessiontoken",
  "openaiapikey",
  "cookie",
];
/** Values that look like secrets whatever their key: OpenAI keys, AWS access key ids, bearer tokens. */
const SECRET_VALUES = [
  /\bsk-[A-Za-z0-9_-]{16,}/g,
  /\b(AKIA|ASIA)[A-Z0-9]{16}\b/g,
  /\bBearer\s+[A-Za-z0-9._~+/-]+=*/g,
];
export const REDACTED = "[REDACTED]";

/** Token counts are not secrets, even though their keys contain "token". */
const NOT_SECRET = new Set(["inputtokens", "outputtokens", "totaltokens", "tokenusage", "tokentype"]);

const normalize = (key: string) => key.toLowerCase().replaceAll(/[_-]/g, "");

/**
 * A JSON replacer that redacts secret keys (built-in list plus `extraFields`) and secret-shaped
 * values anywhere in a log line, nested or not.
 *
 * @example
 * JSON.stringify({ apiKey: "abc", note: "key sk-abcdefghijklmnop1234" }, redactor([]));
 * // {"apiKey":"[REDACTED]","note":"key [REDACTED]"}
 */
export function redactor(extraFields: readonly string[]): (key: string, value: unknown) => unknown {
  const secret = new Set([...SECRET_KEYS, ...extraFields.map(normalize)]);
  return (key, value) => {
    const k = normalize(key);
    if (
      key !== "" &&
      !NOT_SECRET.has(k) &&
      [...secret].some((s) => k === s || (s.length > 4 && k.endsWith(s)))
    ) {
      return REDACTED;
    }
    if (typeof value === "string") return SECRET_VALUES.reduce((v, re) => v.replace(re, REDACTED), value);
    return value;
  };
}

export interface LoggerOptions {
  readonly serviceName: string;
  readonly level: "DEBUG" | "INFO" | "WARN" | "ERROR" | "SILENT";
  /** Fraction of invocations logged at DEBUG whatever the level (Powertools sampling). */
  readonly sampleRate?: number;
  /** Extra field names to redact (`LOG_REDACT_FIELDS`). */
  readonly redactFields?: readonly string[];
  /** Every line, already redacted, also goes here (the local run capture). */
  readonly capture?: (line: Record<string, unknown>) => void;
}

/**
 * Structured JSON logs through Powertools Logger with Switchyard's correlation ids and redaction.
 * `withCorrelation` scopes ids to one handler call, so a warm Lambda never leaks the previous
 * call's run id into the next one's lines.
 *
 * @example
 * const log = createLogger({ serviceName: "switchyard", level: "INFO" });
 * log.withCorrelation({ runId, threadId, workflow: "triage" }, () => log.info("superstep planned", { step: 3 }));
 */
export interface TelemetryLogger {
  readonly powertools: Logger;
  // Only catalogued events (`log-events.ts`): an uncatalogued message does not compile.
  debug(message: LogEventName, attributes?: Record<string, unknown>): void;
  info(message: LogEventName, attributes?: Record<string, unknown>): void;
  warn(message: LogEventName, attributes?: Record<string, unknown>): void;
  error(message: LogEventName, attributes?: Record<string, unknown>): void;
  /** Runs `fn` with these ids on every line it (and what it awaits) logs. */
  withCorrelation<T>(ids: Correlation, fn: () => T): T;
  /** Whether a line at this level goes anywhere (stdout at the current level, or the capture). */
  enabled(level: "debug" | "info" | "warn" | "error"): boolean;
}

/** Powertools' thresholds of our levels (`LogLevelThreshold`): a line prints when ≥ the logger's. */
const THRESHOLD = {
  debug: LogLevelThreshold.DEBUG,
  info: LogLevelThreshold.INFO,
  warn: LogLevelThreshold.WARN,
  error: LogLevelThreshold.ERROR,
} as const;

export function createLogger(options: LoggerOptions): TelemetryLogger {
  const replace = redactor(options.redactFields ?? []);
  const powertools = new Logger({
    serviceName: options.serviceName,
    logLevel: options.level,
    ...(options.sampleRate === undefined ? {} : { sampleRateValue: options.sampleRate }),
    jsonReplacerFn: replace,
  });
  // Async-local, not Powertools' appendKeys: concurrent tasks in one process (the local Map)
  // must not see each other's ids.
  const scope = new AsyncLocalStorage<Correlation>();
  // Read per line, not once: Powertools' sampling raises the level of some invocations.
  const enabled = (level: keyof typeof THRESHOLD) =>
    options.capture !== undefined || THRESHOLD[level] >= powertools.level;
  const write =
    (level: keyof typeof THRESHOLD) =>
    (message: LogEventName, attributes: Record<string, unknown> = {}) => {
      // A line nobody reads (below the level, no capture) is not built.
      if (!enabled(level)) return;
      const line = { ...scope.getStore(), ...attributes };
      powertools[level](message, line);
      if (options.capture) {
        const captured = {
          level: level.toUpperCase(),
          message,
          timestamp: new Date().toISOString(),
          ...line,
        };
        options.capture(JSON.parse(JSON.stringify(captured, replace)) as Record<string, unknown>);
      }
    };
  return {
    powertools,
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    withCorrelation(ids, fn) {
      const merged: Record<string, string> = { ...scope.getStore() };
      for (const [k, v] of Object.entries(ids)) if (v !== undefined) merged[k] = v;
      return scope.run(merged, fn);
    },
    enabled,
  };
}
