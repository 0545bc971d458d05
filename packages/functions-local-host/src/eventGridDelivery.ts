/**
 * @module Reads an Event Grid webhook delivery: the subscription-validation handshake, an Event
 * Grid schema array, or CloudEvents 1.0 (single or batch). Events stay the raw JSON objects the
 * real trigger hands to the function.
 *
 * It keeps Event Grid's delivery contract: at most 5,000 events and 1 MB per event in one delivery
 * (`DeliveryTooLargeError`, answered 413, which Event Grid dead-letters without retrying). One
 * malformed event is set aside with its reason and never fails the others in the delivery.
 */


/** Event Grid's limits on one delivery: events per request, and bytes per event. */
export const MAX_EVENTS_PER_DELIVERY = 5_000;
export const MAX_EVENT_BYTES = 1_048_576;

/** A delivery over Event Grid's limits: answered 413, not processed. */
export class DeliveryTooLargeError extends RangeError {
  override readonly name = "DeliveryTooLargeError";
}

/** An event of a delivery that is not handed to the function, and why. */
export interface RejectedEvent {
  readonly index: number;
  readonly id: string | undefined;
  readonly reason: string;
}

export type EventGridDelivery =
  | { readonly kind: "validation"; readonly validationCode: string }
  | { readonly kind: "unsubscribe" }
  | {
      readonly kind: "events";
      readonly schema: "EventGrid" | "CloudEvents";
      /** The well-formed events, for the function. */
      readonly events: readonly Record<string, unknown>[];
      /** Malformed events, acknowledged without invoking the function. */
      readonly rejected: readonly RejectedEvent[];
    };

const validationEventType = "Microsoft.EventGrid.SubscriptionValidationEvent";


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
 * header (Notification, SubscriptionValidation, Unsubscribe) when present. Throws TypeError, with a
 * message fit for a 400 response, when the body as a whole is malformed, and `DeliveryTooLargeError`
 * (413) when it is over Event Grid's limits; a malformed event on its own lands in `rejected`.
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
  checkLimits(items);
  const rejected: RejectedEvent[] = [];
  const objects = items.flatMap((item, index) => {
    if (isRecord(item)) return [{ index, event: item }];
    rejected.push({ index, id: undefined, reason: `event ${index} is not a JSON object` });
    return [];
  });
  const cloud = objects.map(({ event }) => "specversion" in event);
  if (cloud.some((isCloud) => isCloud !== cloud[0])) throw new TypeError("The batch mixes CloudEvents and Event Grid schema events");
  const schema = cloud[0] ? "CloudEvents" : "EventGrid";
  const events = objects.map(({ event }) => event);
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
  const wellFormed = objects.filter(({ index, event }) => {
    try {
      if (schema === "CloudEvents") checkCloudEvent(event, `CloudEvent ${index}`);
      else checkEventGridEvent(event, `Event ${index}`);
      return true;
    } catch (error) {
      rejected.push({ index, id: typeof event.id === "string" ? event.id : undefined, reason: error instanceof Error ? error.message : String(error) });
      return false;
    }
  });
  return { kind: "events", schema, events: wellFormed.map(({ event }) => event), rejected: rejected.sort((a, b) => a.index - b.index) };
}

function checkLimits(items: readonly unknown[]): void {
  if (items.length > MAX_EVENTS_PER_DELIVERY) {
    throw new DeliveryTooLargeError(`The delivery holds ${items.length} events; Event Grid delivers at most ${MAX_EVENTS_PER_DELIVERY} in one request`);
  }
  items.forEach((item, index) => {
    const bytes = Buffer.byteLength(JSON.stringify(item) ?? "");
    if (bytes > MAX_EVENT_BYTES) {
      const id = isRecord(item) && typeof item.id === "string" ? ` (id ${JSON.stringify(item.id.slice(0, 100))})` : "";
      throw new DeliveryTooLargeError(`Event ${index}${id} is ${bytes} bytes; Event Grid delivers at most ${MAX_EVENT_BYTES} bytes (1 MB) per event`);
    }
  });
}

/** True for a plain object (not null, an array or binary data): the package imports nothing from the app. */
function isRecord(value: unknown): value is Record<string, unknown> {
  return Object.prototype.toString.call(value) === "[object Object]";
}
