import { UnknownToolError } from "./errors.ts";

/**
 * The tools of `tools` named in `names`, and only those: least privilege, so a confused model
 * cannot reach data its job does not need. `#tools` knows no agent; each workflow declares its
 * agents' grants in its own module (functions/workflows/triage/tools.ts,
 * functions/workflows/investigation/tools.ts).
 *
 * @example
 * const { get_market_price } = grantTools(createTradingDayTools(store), ["get_trade", "get_market_price"]);
 * @throws UnknownToolError when a name is not one of `tools` (a grant written against another set).
 */
export function grantTools<T extends object, const N extends keyof T & string>(
  tools: T,
  names: readonly N[],
): Pick<T, N> {
  const granted: Partial<Pick<T, N>> = {};
  for (const name of names) {
    if (!Object.hasOwn(tools, name)) throw new UnknownToolError(name, Object.keys(tools));
    granted[name] = tools[name];
  }
  return granted as Pick<T, N>;
}
