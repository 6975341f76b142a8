/**
 * Wall-clock times in a market's time zone as instants, with the platform's IANA data
 * (`Intl`): a cut-off is stated as people state it ("15:00 New York on settlement date"), and
 * daylight saving moves its instant, not its wall time.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Milliseconds the zone's wall clock is ahead of UTC at `instant`. */
function offsetAt(zone: string, instant: number): number {
  const parts = Object.fromEntries(
    formatterOf(zone)
      .formatToParts(new Date(instant))
      .map((p) => [p.type, p.value]),
  );
  const wall = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a zone's wall clock shows `date` `time`. A time skipped by a clock change resolves
 * to the instant after the gap; a repeated one to its first occurrence.
 *
 * @example
 * zonedInstant("2026-11-25", "15:00", "America/New_York").toISOString(); // "2026-11-25T20:00:00.000Z"
 */
export function zonedInstant(date: string, time: string, zone: string): Date {
  const [y, m, d] = date.split("-").map(Number);
  const [hh, mm] = time.split(":").map(Number);
  const wall = Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 1, hh ?? 0, mm ?? 0);
  // Two passes: the offset at the first guess may differ from the offset at the answer (DST).
  const first = wall - offsetAt(zone, wall);
  const second = wall - offsetAt(zone, first);
  const shown = [first, second].filter((t) => {
    const w = wallClockOf(new Date(t), zone);
    return w.date === date && w.time === time;
  });
  // No candidate shows the time: it falls in a gap, and the later candidate is after it.
  return new Date(shown.length > 0 ? Math.min(...shown) : Math.max(first, second));
}

/** `date` and `time` as the zone's wall clock shows `instant`, for people. */
export function wallClockOf(instant: Date, zone: string): { date: string; time: string } {
  const p = Object.fromEntries(
    formatterOf(zone)
      .formatToParts(instant)
      .map((x) => [x.type, x.value]),
  );
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}
