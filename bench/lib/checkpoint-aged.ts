/**
 * What keeping a long thread readable costs (functions/checkpoint/refresh.ts): the same workload
 * on two threads, one with every turn on the same day and one with a turn a day for longer than
 * the TTL, so carried items come due for a TTL refresh. Figures from the savers' own counters
 * (UpdateItem is billed on the item's size, which only DynamoDB's consumed capacity reports).
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { CheckpointStats } from "switchyard/checkpoint";
import { DynamoDBSaver } from "switchyard/checkpoint";

const DAY_MS = 86_400_000;

export interface AgedCost {
  readonly turns: number;
  readonly ttlDays: number;
  readonly sameDay: CheckpointStats;
  readonly daily: CheckpointStats;
}

/**
 * Runs `turns` invokes of the graph `build` makes on each thread.
 *
 * @example
 * const cost = await agedThreadCost(client, table, (saver) => chatGraph(saver), input, 90);
 */
export async function agedThreadCost(
  client: DynamoDBClient,
  tableName: string,
  build: (saver: DynamoDBSaver) => { invoke(input: never, config: object): Promise<unknown> },
  input: (turn: number) => unknown,
  turns: number,
  ttlDays = 30,
): Promise<AgedCost> {
  const start = Date.UTC(2031, 0, 1);
  let day = 0;
  const sameDay = new DynamoDBSaver({ client, tableName, ttlDays, now: () => start });
  const daily = new DynamoDBSaver({ client, tableName, ttlDays, now: () => start + day * DAY_MS });
  const graphs = [build(sameDay), build(daily)] as const;
  for (let turn = 1; turn <= turns; turn++) {
    day = turn;
    await graphs[0].invoke(input(turn) as never, { configurable: { thread_id: "aged-same-day" } });
    await graphs[1].invoke(input(turn) as never, { configurable: { thread_id: "aged-daily" } });
  }
  return { turns, ttlDays, sameDay: sameDay.stats, daily: daily.stats };
}

/** Prints requests and units per turn for both threads, and the refreshes' share. */
export function printAgedCost(cost: AgedCost): void {
  const per = (n: number) => (n / cost.turns).toFixed(2);
  console.log(
    `\n(c) chat as a long thread: ${cost.turns} turns, all on one day vs one a day (TTL ${cost.ttlDays} days) — per step, saver counters`,
  );
  console.log(["thread".padEnd(22), ...["write req", "WCU", "read req"].map((c) => c.padStart(14))].join(""));
  for (const [name, s] of [
    ["same day", cost.sameDay],
    ["one turn a day", cost.daily],
  ] as const) {
    console.log(
      [
        name.padEnd(22),
        per(s.writeRequests).padStart(14),
        per(s.writeUnits).padStart(14),
        per(s.readRequests).padStart(14),
      ].join(""),
    );
  }
}
