/**
 * @module Invokes one registered function as the worker does: a real `InvocationContext` built
 * from the registration's bindings (durable client data included), pre/post-invocation hooks, and
 * the context's logs routed to the host logger.
 */
import type { EffectiveFunctionOptions, FunctionInput, FunctionOutput, FunctionTrigger, LogLevel as FunctionsLogLevel } from "@azure/functions";
import { InvocationContext } from "@azure/functions";
import { randomUUID } from "node:crypto";
import type { BindingInfo, FunctionCallback, FunctionRegistration, FunctionsCoreShim } from "./functionsCoreShim";
import type { HostLogger } from "./logger";
import { formatLogArgs, toLogLevel } from "./logger";

export interface CreateInvocationContextOptions {
  readonly registration: FunctionRegistration;
  readonly logger: HostLogger;
  /** Orchestration instance the invocation belongs to, shown in log lines. */
  readonly instanceId?: string;
  readonly triggerMetadata?: Record<string, unknown>;
  /** Value handed to every `durableClient` input binding. */
  readonly durableClientData?: unknown;
  /** Consulted before each log line; return false to drop it (orchestrator replays). */
  readonly shouldLog?: (context: InvocationContext) => boolean;
}

const returnBindingName = "$return";

function isTriggerType(type: string | undefined): boolean {
  return type !== undefined && type.toLowerCase().endsWith("trigger");
}

function withName(name: string, binding: BindingInfo): { type: string; name: string; [key: string]: unknown } {
  return { ...binding, type: binding.type ?? "unknown", name };
}

/** The effective options the worker derives from a registration's bindings. */
export function effectiveOptions(registration: FunctionRegistration): EffectiveFunctionOptions {
  let trigger: FunctionTrigger | undefined;
  let returnBinding: FunctionOutput | undefined;
  const extraInputs: FunctionInput[] = [];
  const extraOutputs: FunctionOutput[] = [];
  for (const [name, binding] of Object.entries(registration.metadata.bindings)) {
    if (isTriggerType(binding.type)) trigger = withName(name, binding);
    else if (name === returnBindingName) returnBinding = withName(name, binding);
    else if (binding.direction === "in") extraInputs.push(withName(name, binding));
    else if (binding.direction === "out") extraOutputs.push(withName(name, binding));
  }
  if (!trigger) throw new TypeError(`Function "${registration.name}" has no trigger binding; expected one binding whose type ends in "Trigger"`);
  return { trigger, return: returnBinding, extraInputs, extraOutputs };
}

/** The trigger binding of a registration (type ends in "Trigger"), or undefined. */
export function triggerBinding(registration: FunctionRegistration): BindingInfo | undefined {
  return Object.values(registration.metadata.bindings).find((binding) => isTriggerType(binding.type));
}

/** A real InvocationContext for one invocation, with its durable client input filled in. */
export function createInvocationContext(options: CreateInvocationContextOptions): InvocationContext {
  const { registration, logger, instanceId } = options;
  const functionOptions = effectiveOptions(registration);
  const holder: { context?: InvocationContext } = {};
  const context = new InvocationContext({
    invocationId: randomUUID(),
    functionName: registration.name,
    triggerMetadata: options.triggerMetadata,
    options: functionOptions,
    logHandler: (level: FunctionsLogLevel, ...args: unknown[]) => {
      if (level === "none") return;
      if (options.shouldLog && holder.context && !options.shouldLog(holder.context)) return;
      logger.log({ level: toLogLevel(level), message: formatLogArgs(args), functionName: registration.name, instanceId });
    },
  });
  holder.context = context;
  for (const input of functionOptions.extraInputs) {
    if (input.type === "durableClient" || input.type === "orchestrationClient") context.extraInputs.set(input, options.durableClientData);
  }
  return context;
}

/**
 * Calls the registration's handler with `inputs` and the context, running preInvocation and
 * postInvocation hooks around it (hooks may replace the handler, the inputs, the result or the error).
 */
export async function invokeFunction(
  shim: FunctionsCoreShim,
  registration: FunctionRegistration,
  inputs: readonly unknown[],
  context: InvocationContext,
  appHookData: Record<string, unknown>,
): Promise<unknown> {
  const hookData: Record<string, unknown> = {};
  const pre: Record<string, unknown> = { invocationContext: context, inputs: [...inputs], functionCallback: registration.handler, hookData, appHookData };
  for (const hook of shim.hooks("preInvocation")) await hook(pre);
  const callback = pre.functionCallback;
  const finalInputs = Array.isArray(pre.inputs) ? (pre.inputs as unknown[]) : [...inputs];
  if (typeof callback !== "function") throw new TypeError(`A preInvocation hook replaced the handler of "${registration.name}" with a ${typeof callback}`);
  let result: unknown;
  let error: unknown;
  try {
    result = await (callback as FunctionCallback)(...finalInputs, context);
  } catch (caught) {
    error = caught ?? new Error(`Function "${registration.name}" threw ${String(caught)}`);
  }
  const post: Record<string, unknown> = { invocationContext: context, inputs: finalInputs, result, error, hookData, appHookData };
  for (const hook of shim.hooks("postInvocation")) await hook(post);
  if (post.error !== undefined && post.error !== null) throw post.error;
  return post.result;
}
