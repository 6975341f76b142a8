/**
 * The engine bench's baseline Lambda (issue #16): a handler importing only LangGraph, Powertools
 * (logger, metrics, tracer) and the DynamoDB client, built at module scope as a Lambda would, and
 * bundled by `lib/bundling` exactly like the engine's handlers. A Switchyard bundle whose cold
 * import is at or below this one's costs nothing over the bare stack it is built on.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { Metrics } from "@aws-lambda-powertools/metrics";
import { Tracer } from "@aws-lambda-powertools/tracer";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";

const logger = new Logger({ serviceName: "baseline" });
const metrics = new Metrics({ namespace: "Baseline", serviceName: "baseline" });
const tracer = new Tracer({ serviceName: "baseline" });
const dynamodb = new DynamoDBClient({});

const State = Annotation.Root({ count: Annotation<number>() });
const graph = new StateGraph(State)
  .addNode("step", (s: typeof State.State) => ({ count: s.count + 1 }))
  .addEdge(START, "step")
  .addEdge("step", END)
  .compile();

export const handler = async (event: { count?: number }) => {
  logger.info("baseline", { region: await dynamodb.config.region() });
  metrics.addMetric("Invocations", "Count", 1);
  tracer.putAnnotation("baseline", true);
  return graph.invoke({ count: event.count ?? 0 });
};
