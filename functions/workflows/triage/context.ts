import { type DatasetSpec, loadTradeDay } from "#data";
import { type AgentName, createTradingTools, toolsFor, tradeDayStore } from "#tools";

/**
 * The tools a plain (non-agent) node may use, over the day named by the run's dataset spec,
 * wrapped to count calls for the run summary. Built per node invocation from state alone.
 *
 * @example
 * const { tools, calls } = agentTools("detector", state.dataset);
 * await tools.search_breaks.invoke({});
 * calls(); // 1
 */
export function agentTools<A extends AgentName>(agent: A, dataset: DatasetSpec) {
  const granted = toolsFor(agent, createTradingTools(tradeDayStore(loadTradeDay(dataset))));
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
