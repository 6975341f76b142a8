/**
 * Switchyard fault drills: the `FAULTS` setting (refused in production stages) fails named nodes,
 * tools and AWS calls a set number of times, for tests, drills and `npm run bench -- faults`.
 * The engine Lambda reaches it only through `#faults/on-demand` (./on-demand.ts), which loads it
 * when `FAULTS` arms something, never on the default path.
 */
export { FaultInjectionCallbacks, faultCallbacksFromEnv } from "./callbacks.ts";
export { InvalidFaultsError } from "./errors.ts";
export {
  type FaultKind,
  type FaultMode,
  type FaultSpec,
  Faults,
  faultError,
  type InjectedFault,
  type MiddlewareClient,
  parseFaults,
  withFaults,
} from "./faults.ts";
export { type FaultWrapper, faultCallbacksWhenArmed, faultWrapperWhenArmed } from "./on-demand.ts";
