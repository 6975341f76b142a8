/**
 * Turns rows of `c#` items (checkpoint items, their writes and chunks) into one group per
 * checkpoint. A newest-first Query returns each group contiguously, checkpoint item first
 * (its `#~` key sorts after its writes); a Scan is sorted into that order first.
 */
import { parseCheckpointKey } from "./keys.ts";
import type { Item } from "./table.ts";

export interface CheckpointGroup {
  readonly threadId: string;
  readonly ns: string;
  readonly checkpointId: string;
  /** The checkpoint item; groups of orphan writes (no checkpoint item) are skipped. */
  readonly item: Item;
  readonly writes: Item[];
}

/** `c#<ns>#<checkpointId>`: what a checkpoint item and its writes share. */
export const groupOf = (sk: string) => sk.split("#", 3).join("#");

/**
 * Groups contiguous rows (newest checkpoint first) into checkpoints with their writes.
 *
 * @example
 * for await (const g of groupRows(table.query(q), "pk", "sk")) console.log(g.checkpointId, g.writes.length);
 */
export async function* groupRows(
  pages: AsyncIterable<Item[]>,
  pkName: string,
  skName: string,
): AsyncGenerator<CheckpointGroup> {
  let current: { pk: string; group: string; item?: Item; writes: Item[] } | undefined;
  const finish = (): CheckpointGroup | undefined => {
    if (!current?.item) return undefined;
    const { ns, checkpointId } = parseCheckpointKey(current.group);
    return { threadId: current.pk, ns, checkpointId, item: current.item, writes: current.writes };
  };
  for await (const page of pages) {
    for (const row of page) {
      const pk = row[pkName]?.S ?? "";
      const group = groupOf(row[skName]?.S ?? "");
      if (!current || current.pk !== pk || current.group !== group) {
        const done = finish();
        if (done) yield done;
        current = { pk, group, writes: [] };
      }
      if (row.k?.S === "c") current.item = row;
      else current.writes.push(row);
    }
  }
  const done = finish();
  if (done) yield done;
}

/** Orders Scan rows like a newest-first Query: by thread, then sort key descending. */
export function sortLikeQuery(rows: Item[], pkName: string, skName: string): Item[] {
  const key = (r: Item) => [r[pkName]?.S ?? "", r[skName]?.S ?? ""] as const;
  return rows.sort((a, b) => {
    const [pa, sa] = key(a);
    const [pb, sb] = key(b);
    if (pa !== pb) return pa < pb ? -1 : 1;
    return sa < sb ? 1 : sa > sb ? -1 : 0;
  });
}

/** Metadata filter as MemorySaver applies it: every key equal (objects compared by JSON). */
export function matchesFilter(metadata: object, filter: Record<string, unknown>): boolean {
  const meta = metadata as Record<string, unknown>;
  return Object.entries(filter).every(
    ([k, v]) =>
      meta[k] === v || (typeof v === "object" && v !== null && JSON.stringify(meta[k]) === JSON.stringify(v)),
  );
}
