import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { createLogger, eventFilter, LOG_EVENTS, LOG_QUERIES, type LogEventName, logEvent } from "#telemetry";

const FUNCTIONS = new URL("../../functions/", import.meta.url).pathname;

/** Every TypeScript file under functions/. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

/** The log lines the code writes: each literal message, the level it is written at (when a method says), where. */
function loggedLiterals(): { message: string; level?: string; at: string }[] {
  const found: { message: string; level?: string; at: string }[] = [];
  const patterns = [
    /\.(debug|info|warn|error)\(\s*"([^"]+)"/g,
    /logEvent\([^,()]+,\s*"([^"]+)"/g,
    /\blog\(\s*"([^"]+)"/g,
  ];
  for (const file of sources(FUNCTIONS)) {
    const lines = readFileSync(file, "utf8").split("\n");
    lines.forEach((line, i) => {
      // TSDoc examples are not lines the code writes.
      if (/^\s*(\*|\/\/)/.test(line)) return;
      for (const pattern of patterns) {
        for (const m of line.matchAll(pattern)) {
          const at = `${file.slice(FUNCTIONS.length)}:${i + 1}`;
          if (m.length === 3) found.push({ level: m[1], message: m[2] ?? "", at });
          else found.push({ message: m[1] ?? "", at });
        }
      }
    });
  }
  return found;
}

describe("the log event catalog", () => {
  it("holds every message the code logs, at the level the code logs it", () => {
    const logged = loggedLiterals();
    // The telemetry layer, the agents' loop and the handlers all log (a scan that finds nothing proves nothing).
    expect(logged.length).toBeGreaterThanOrEqual(12);
    for (const { message, level, at } of logged) {
      expect(Object.keys(LOG_EVENTS), `${at}: "${message}"`).toContain(message);
      if (level) expect(LOG_EVENTS[message as LogEventName].level, at).toBe(level);
    }
  });

  it("names only catalogued events in the saved queries, and filters on exactly those", () => {
    for (const query of LOG_QUERIES) {
      for (const event of query.events) expect(Object.keys(LOG_EVENTS), query.name).toContain(event);
      const filter = eventFilter(query);
      if (query.events.length === 0) expect(filter).toBeUndefined();
      else {
        const named = [...(filter ?? "").matchAll(/"([^"]+)"/g)].map((m) => m[1]);
        expect(named).toEqual(query.events);
      }
    }
    expect(eventFilter({ name: "x", events: ["task ended"], sort: "ms" })).toBe('message = "task ended"');
  });

  it("gives every event a level, its fields and a meaning", () => {
    for (const [name, event] of Object.entries(LOG_EVENTS)) {
      expect(["debug", "info", "warn", "error"], name).toContain(event.level);
      expect(event.fields.length, name).toBeGreaterThan(0);
      expect(event.description.length, name).toBeGreaterThan(20);
    }
  });

  it("logs an event at its catalogued level", () => {
    const lines: Record<string, unknown>[] = [];
    const log = createLogger({ serviceName: "test", level: "SILENT", capture: (l) => lines.push(l) });
    const warn = vi.spyOn(log, "warn");
    logEvent(log, "task failed", { ms: 3 });
    expect(warn).toHaveBeenCalledWith("task failed", { ms: 3 });
    expect(lines).toEqual([expect.objectContaining({ level: "WARN", message: "task failed", ms: 3 })]);
  });
});
