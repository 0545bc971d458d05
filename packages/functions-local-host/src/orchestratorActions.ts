/**
 * @module Reads the actions an orchestrator replay returns (schema V3) into a flat list of leaves
 * in the order durable-functions assigns task ids, and the DTFx retry timing.
 */

/** durable-functions' ActionType enum. */
export const ActionType = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  CallEntity: 7,
  CallHttp: 8,
  SignalEntity: 9,
  WhenAny: 11,
  WhenAll: 12,
  LockEntities: 13,
  ReleaseEntities: 14,
} as const;

/** The retry options carried by CallActivityWithRetry / CallSubOrchestratorWithRetry. */
export interface RetryPolicy {
  readonly firstRetryIntervalInMilliseconds: number;
  readonly maxNumberOfAttempts: number;
  readonly backoffCoefficient: number;
  readonly maxRetryIntervalInMilliseconds?: number;
}

export type OrchestratorAction =
  | { readonly kind: "activity"; readonly functionName: string; readonly input: unknown; readonly retry?: RetryPolicy }
  | { readonly kind: "subOrchestration"; readonly functionName: string; readonly instanceId?: string; readonly input: unknown; readonly retry?: RetryPolicy }
  | { readonly kind: "timer"; readonly fireAt: string; readonly isCanceled: boolean }
  | { readonly kind: "waitForEvent"; readonly name: string }
  | { readonly kind: "continueAsNew"; readonly input: unknown }
  | { readonly kind: "unsupported"; readonly actionType: number; readonly typeName: string };

const typeNames = new Map<number, string>(Object.entries(ActionType).map(([name, value]) => [value, name]));

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/**
 * durable-functions JSON-encodes string inputs of activities and continueAsNew (`Utils.processInput`);
 * the worker receives the decoded value.
 */
export function decodeProcessedInput(input: unknown): unknown {
  if (typeof input !== "string") return input;
  try {
    return JSON.parse(input) as unknown;
  } catch {
    return input;
  }
}

function toRetryPolicy(value: unknown, where: string): RetryPolicy {
  if (!isRecord(value) || typeof value.firstRetryIntervalInMilliseconds !== "number" || typeof value.maxNumberOfAttempts !== "number") {
    throw new TypeError(`${where}: retryOptions must have numeric firstRetryIntervalInMilliseconds and maxNumberOfAttempts`);
  }
  const coefficient = value.backoffCoefficient;
  const maxInterval = value.maxRetryIntervalInMilliseconds;
  return {
    firstRetryIntervalInMilliseconds: value.firstRetryIntervalInMilliseconds,
    maxNumberOfAttempts: value.maxNumberOfAttempts,
    backoffCoefficient: typeof coefficient === "number" && coefficient > 0 ? coefficient : 1,
    maxRetryIntervalInMilliseconds: typeof maxInterval === "number" && maxInterval > 0 ? maxInterval : undefined,
  };
}

function toFireAt(value: unknown): string {
  const time = value instanceof Date ? value.getTime() : typeof value === "string" ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time)) throw new TypeError(`CreateTimer: fireAt must be a valid date, got ${String(value)}`);
  return new Date(time).toISOString();
}

function toLeaf(action: Record<string, unknown>): OrchestratorAction {
  const type = action.actionType;
  const functionName = typeof action.functionName === "string" ? action.functionName : "";
  switch (type) {
    case ActionType.CallActivity:
      return { kind: "activity", functionName, input: decodeProcessedInput(action.input) };
    case ActionType.CallActivityWithRetry:
      return { kind: "activity", functionName, input: decodeProcessedInput(action.input), retry: toRetryPolicy(action.retryOptions, `callActivityWithRetry("${functionName}")`) };
    case ActionType.CallSubOrchestrator:
    case ActionType.CallSubOrchestratorWithRetry:
      return {
        kind: "subOrchestration",
        functionName,
        instanceId: typeof action.instanceId === "string" && action.instanceId !== "" ? action.instanceId : undefined,
        input: action.input,
        retry: type === ActionType.CallSubOrchestratorWithRetry ? toRetryPolicy(action.retryOptions, `callSubOrchestratorWithRetry("${functionName}")`) : undefined,
      };
    case ActionType.CreateTimer:
      return { kind: "timer", fireAt: toFireAt(action.fireAt), isCanceled: action.isCanceled === true };
    case ActionType.WaitForExternalEvent:
      return { kind: "waitForEvent", name: typeof action.externalEventName === "string" ? action.externalEventName : "" };
    case ActionType.ContinueAsNew:
      return { kind: "continueAsNew", input: decodeProcessedInput(action.input) };
    default: {
      const actionType = typeof type === "number" ? type : -1;
      return { kind: "unsupported", actionType, typeName: typeNames.get(actionType) ?? `unknown action type ${String(type)}` };
    }
  }
}

/**
 * Flattens `state.actions` (nested arrays, WhenAll/WhenAny `compoundActions`) into leaves in
 * depth-first order, which is the order durable-functions tracks tasks and assigns their ids.
 */
export function flattenActions(actions: unknown): OrchestratorAction[] {
  const leaves: OrchestratorAction[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
    } else if (isRecord(node)) {
      if (Array.isArray(node.compoundActions)) visit(node.compoundActions);
      else leaves.push(toLeaf(node));
    }
  };
  visit(actions);
  return leaves;
}

/** True for leaves that take a task id from the orchestrator's sequence (waits are keyed by name instead). */
export function takesTaskId(action: OrchestratorAction): boolean {
  return action.kind === "activity" || action.kind === "subOrchestration" || action.kind === "timer";
}

/** DTFx backoff before retry `failedAttempt + 1`: first * coefficient^(failedAttempt - 1), capped. */
export function retryDelayMs(policy: RetryPolicy, failedAttempt: number): number {
  const delay = policy.firstRetryIntervalInMilliseconds * Math.pow(policy.backoffCoefficient, Math.max(0, failedAttempt - 1));
  const capped = policy.maxRetryIntervalInMilliseconds !== undefined ? Math.min(delay, policy.maxRetryIntervalInMilliseconds) : delay;
  return Math.max(0, Number.isFinite(capped) ? capped : (policy.maxRetryIntervalInMilliseconds ?? 0));
}
