import { type TradingDayStore, tradingDayStore } from "#tools";
import { type Break, BreakSchema, type DataRef, openDay, storeOf } from "#trading";
import { BadBreaksFileError, BreakNotFoundError, NoDayError } from "./errors.ts";
import type { TriageStateValue } from "./state.ts";
import { type TriageToolRole, triageTools } from "./tools.ts";

/**
 * The store over the run's day, which `detect` resolved into state: opened by reference
 * (`openDay`, memoised per process, so the nodes of one run in one process read it once).
 *
 * @throws NoDayError when the state holds no day yet (a node ran before `detect`).
 */
export async function storeOfRun(
  state: Pick<TriageStateValue, "data">,
  node: string,
): Promise<TradingDayStore> {
  if (!state.data) throw new NoDayError(node);
  return storeOfDay(state.data);
}

/** The store over a day by reference. */
export async function storeOfDay(data: DataRef): Promise<TradingDayStore> {
  const { day } = await openDay(data);
  return tradingDayStore(day);
}

/**
 * The tools a plain (non-agent) node may use — its allowlist, over the run's day — wrapped to
 * count calls for the run summary.
 *
 * @example
 * const { tools, calls } = countedTools("escalator", store);
 * await tools.get_trade.invoke({ tradeId });
 * calls(); // 1
 */
export function countedTools<R extends TriageToolRole>(role: R, store: TradingDayStore) {
  const granted = triageTools(role, store);
  let count = 0;
  const counted = Object.fromEntries(
    Object.entries(granted as Record<string, object>).map(([name, tool]) => [
      name,
      new Proxy(tool, {
        get(target, property, receiver) {
          const value = Reflect.get(target, property, receiver);
          if (property !== "invoke" || typeof value !== "function") return value;
          return (...args: unknown[]) => {
            count++;
            return value.apply(target, args);
          };
        },
      }),
    ]),
  ) as typeof granted;
  return { tools: counted, calls: () => count };
}

/**
 * The break of id `breakId` in a reconciliation run's `breaks.json` (a JSON array of breaks, or
 * `{ "breaks": [...] }`). Only that break is validated: the file may hold thousands.
 *
 * @throws BadBreaksFileError when the file is not JSON, not a list, or that break is malformed.
 * @throws BreakNotFoundError when no break in the file has the id.
 */
export async function breakFromFile(uri: string, breakId: string): Promise<Break> {
  const text = await storeOf(uri).readText(uri);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new BadBreaksFileError(uri, "it is not JSON", err);
  }
  const list = Array.isArray(json) ? json : (json as { breaks?: unknown } | null)?.breaks;
  if (!Array.isArray(list)) throw new BadBreaksFileError(uri, "it holds no list of breaks");
  const index = list.findIndex((b) => (b as { breakId?: unknown } | null)?.breakId === breakId);
  if (index < 0) throw new BreakNotFoundError(breakId, uri);
  const parsed = BreakSchema.safeParse(list[index]);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    throw new BadBreaksFileError(
      uri,
      `break ${index} (${breakId}): ${issue?.path.join(".")}: ${issue?.message}`,
    );
  }
  return parsed.data;
}
