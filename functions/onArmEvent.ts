/**
 * @module Event Grid trigger for Azure Resource Manager events. Classifies each event and starts (or
 * nudges) the run for the endpoint or resource it names. The event is a hint: the run reads the truth.
 */

import { app } from "@azure/functions";
import type { EventGridHandler, InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { classifyEvent } from "../shared/events";
import { getNetworkInterfaceEndpointId } from "../shared/azure/privateEndpoints";
import { getRuntime } from "../orchestrations/runtime";
import { subscriptionsInScope } from "../orchestrations/scope";
import { runLog } from "../orchestrations/runLog";
import { startReconcile } from "./startRun";

export const onArmEvent: EventGridHandler = async (event, context: InvocationContext) => {
  const { config, clients } = getRuntime();
  // A scope that cannot be resolved throws: Event Grid redelivers the event later.
  const subscriptionIds = await subscriptionsInScope(clients, config);
  // A malformed event throws a TypeError naming the field: nothing starts, and Event Grid dead-letters it.
  const request = classifyEvent(event, { subscriptionIds });
  if (request.kind === "ignored") {
    // No run: the line names the resource the event was about.
    context.debug(runLog(undefined, event.subject, `ignored event ${event.id}: ${request.reason}`));
    return;
  }
  // A NIC event matters only for the private endpoint that owns the NIC.
  const endpointId = request.kind === "networkInterface" ? await getNetworkInterfaceEndpointId(clients, request.id) : undefined;
  if (request.kind === "networkInterface" && endpointId === undefined) {
    context.debug(runLog(undefined, request.id, `ignored event ${event.id}: the network interface belongs to no private endpoint`));
    return;
  }
  const target = request.kind === "networkInterface" ? { kind: "endpoint" as const, id: endpointId ?? "", reason: request.reason } : request;
  const started = await startReconcile(df.getClient(context), config, target, { reason: `event ${target.reason}`, subscriptionIds });
  context.log(runLog(started.instanceId, target.id, `event ${target.reason} -> ${started.action} ${started.instanceId}${started.dryRun ? " (dry run)" : ""}`));
};

app.eventGrid("onArmEvent", { extraInputs: [df.input.durableClient()], handler: onArmEvent });
