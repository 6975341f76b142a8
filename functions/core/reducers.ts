/**
 * A list channel reducer that merges by id: the union of both sides, one entry per id, sorted
 * by id. Hence
 * - order-independent: parallel workers' writes give the same list in any order;
 * - idempotent: a redriven worker re-sending its output changes nothing.
 * On a repeated id the entry already held is kept; ids here name their content (a break id is
 * `kind:tradeIds`, a partition id its key and shard), so both copies are the same record.
 *
 * @example
 * const merge = mergeById((b: { breakId: string }) => b.breakId);
 * merge([{ breakId: "b" }], [{ breakId: "a" }, { breakId: "b" }]); // [{ breakId: "a" }, { breakId: "b" }]
 */
export function mergeById<T>(idOf: (item: T) => string) {
  return (current: readonly T[], update: readonly T[]): T[] => {
    const byId = new Map<string, T>();
    for (const item of current) byId.set(idOf(item), item);
    for (const item of update) {
      const id = idOf(item);
      if (!byId.has(id)) byId.set(id, item);
    }
    // Plain code-unit order, not localeCompare: the same on every machine and much faster.
    return [...byId.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, item]) => item);
  };
}
