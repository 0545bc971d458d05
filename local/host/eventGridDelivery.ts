/**
 * @module Reads an Event Grid webhook delivery: the subscription-validation handshake, an Event
 * Grid schema array, or CloudEvents 1.0 (single or batch). Events stay the raw JSON objects the
 * real trigger hands to the function.
 */

export type EventGridDelivery =
  | { readonly kind: "validation"; readonly validationCode: string }
  | { readonly kind: "unsubscribe" }
  | { readonly kind: "events"; readonly schema: "EventGrid" | "CloudEvents"; readonly events: readonly Record<string, unknown>[] };

const validationEventType = "Microsoft.EventGrid.SubscriptionValidationEvent";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function requireString(event: Record<string, unknown>, field: string, where: string): string {
  const value = event[field];
  if (typeof value !== "string" || value === "") throw new TypeError(`${where}: "${field}" must be a non-empty string`);
  return value;
}

function checkEventGridEvent(event: Record<string, unknown>, where: string): void {
  for (const field of ["id", "subject", "eventType", "eventTime"]) requireString(event, field, where);
  if (Number.isNaN(Date.parse(String(event.eventTime)))) throw new TypeError(`${where}: "eventTime" must be an ISO date, got ${String(event.eventTime)}`);
}

function checkCloudEvent(event: Record<string, unknown>, where: string): void {
  if (event.specversion !== "1.0") throw new TypeError(`${where}: "specversion" must be "1.0", got ${JSON.stringify(event.specversion)}`);
  for (const field of ["id", "source", "type"]) requireString(event, field, where);
}

/**
 * Parses the body of `POST /runtime/webhooks/eventgrid`. `eventTypeHeader` is the `aeg-event-type`
 * header (Notification, SubscriptionValidation, Unsubscribe) when present.
 * Throws TypeError, with a message fit for a 400 response, when the body is malformed.
 */
export function parseEventGridDelivery(body: string, eventTypeHeader: string | undefined): EventGridDelivery {
  const header = eventTypeHeader?.trim();
  if (header !== undefined && header !== "" && !["notification", "subscriptionvalidation", "unsubscribe"].includes(header.toLowerCase())) {
    throw new TypeError(`Unsupported aeg-event-type header "${header}"; expected Notification, SubscriptionValidation or Unsubscribe`);
  }
  if (header?.toLowerCase() === "unsubscribe") return { kind: "unsubscribe" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new TypeError(`The request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const items = Array.isArray(parsed) ? (parsed as unknown[]) : [parsed];
  if (items.length === 0) throw new TypeError("The request body is an empty array; expected at least one event");
  const events = items.map((item, index) => {
    if (!isRecord(item)) throw new TypeError(`Event ${index} is not a JSON object`);
    return item;
  });
  const cloud = events.map((event) => "specversion" in event);
  if (cloud.some((isCloud) => isCloud !== cloud[0])) throw new TypeError("The batch mixes CloudEvents and Event Grid schema events");
  const schema = cloud[0] ? "CloudEvents" : "EventGrid";
  if (schema === "EventGrid" && !Array.isArray(parsed)) throw new TypeError("An Event Grid schema delivery must be a JSON array of events");

  const first = events[0];
  const validation = header?.toLowerCase() === "subscriptionvalidation" || (schema === "EventGrid" && first?.eventType === validationEventType);
  if (validation) {
    const data = first?.data;
    if (!isRecord(data) || typeof data.validationCode !== "string" || data.validationCode === "") {
      throw new TypeError(`A subscription validation event must carry data.validationCode (eventType ${validationEventType})`);
    }
    return { kind: "validation", validationCode: data.validationCode };
  }
  events.forEach((event, index) => (schema === "CloudEvents" ? checkCloudEvent(event, `CloudEvent ${index}`) : checkEventGridEvent(event, `Event ${index}`)));
  return { kind: "events", schema, events };
}
