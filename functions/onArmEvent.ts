/**
 * @module Event Grid trigger for Azure Resource Manager events. Classifies each event and starts (or
 * nudges) the run for the endpoint or resource it names. The event is a hint: the run reads the truth.
 *
 * Only a transient failure (the scope cannot be resolved, ARM 5xx/429, the durable store) throws, so
 * that Event Grid redelivers the event. An event over 1 MB, a malformed one, one about something out
 * of scope, or one that fails for good (a 403, an id ARM refuses) is logged once at warning level with
 * its id and reason and acknowledged: retrying it for hours would change nothing.
 */

import { app } from "@azure/functions";
import type { EventGridHandler, InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { classifyEvent } from "../shared/events";
import { getNetworkInterfaceEndpointId } from "../shared/azure/privateEndpoints";
import { ArmRequestError, isTransientArmError, PermissionDeniedError } from "../shared/azure/errors";
import { getRuntime } from "../orchestrations/runtime";
import { subscriptionsInScope } from "../orchestrations/scope";
import { runLog } from "../orchestrations/runLog";
import { startReconcile } from "./startRun";

/** Event Grid's own limit on one event; anything larger did not come from Event Grid as it should. */
export const MAX_EVENT_BYTES = 1_048_576;

/** The event's id as a short, safe token for a log line. */
function idOf(event: unknown): string {
  const id = typeof event === "object" && event !== null ? (event as { id?: unknown }).id : undefined;
  return typeof id === "string" && id !== "" ? JSON.stringify(id.slice(0, 100)) : "(no id)";
}

/** True for a failure that a redelivery cannot cure: bad input, or ARM refusing for good. */
export function isPermanent(error: unknown): boolean {
  if (error instanceof TypeError || error instanceof RangeError || error instanceof PermissionDeniedError) return true;
  return error instanceof ArmRequestError && !isTransientArmError(error);
}

export const onArmEvent: EventGridHandler = async (event, context: InvocationContext) => {
  const id = idOf(event);
  const acknowledge = (reason: string, resourceId?: string) => context.warn(runLog(undefined, resourceId, `event ${id} acknowledged without a run: ${reason}`));
  const bytes = Buffer.byteLength(JSON.stringify(event) ?? "");
  if (bytes > MAX_EVENT_BYTES) return acknowledge(`it is ${bytes} bytes, over Event Grid's limit of ${MAX_EVENT_BYTES} bytes (1 MB) per event`);

  const { config, clients } = getRuntime();
  // A scope that cannot be resolved throws: Event Grid redelivers the event later.
  const subscriptionIds = await subscriptionsInScope(clients, config);
  let request: ReturnType<typeof classifyEvent>;
  try {
    request = classifyEvent(event, { subscriptionIds });
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return acknowledge(`malformed: ${error.message}`);
  }
  if (request.kind === "ignored") {
    // No run: the line names the resource the event was about.
    if (request.outOfScope === true) return acknowledge(request.reason);
    context.debug(runLog(undefined, event.subject, `ignored event ${event.id}: ${request.reason}`));
    return;
  }
  try {
    // A NIC event matters only for the private endpoint that owns the NIC.
    const endpointId = request.kind === "networkInterface" ? await getNetworkInterfaceEndpointId(clients, request.id) : undefined;
    if (request.kind === "networkInterface" && endpointId === undefined) {
      context.debug(runLog(undefined, request.id, `ignored event ${event.id}: the network interface belongs to no private endpoint`));
      return;
    }
    const target = request.kind === "networkInterface" ? { kind: "endpoint" as const, id: endpointId ?? "", reason: request.reason } : request;
    const started = await startReconcile(df.getClient(context), config, target, { reason: `event ${target.reason}`, subscriptionIds });
    context.log(runLog(started.instanceId, target.id, `event ${target.reason} -> ${started.action} ${started.instanceId}${started.dryRun ? " (dry run)" : ""}`));
  } catch (error) {
    if (!isPermanent(error)) throw error;
    acknowledge(`it failed for good: ${error instanceof Error ? error.message : String(error)}`, request.id);
  }
};

app.eventGrid("onArmEvent", { extraInputs: [df.input.durableClient()], handler: onArmEvent });
