/**
 * @module The emulator's ARM routing: route patterns matched case-insensitively on path segments,
 * the request/response shapes handlers work with, absolute `nextLink` paging and the helpers that
 * publish an event for a committed change.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { ApiFamily } from "./apiVersions";
import { badRequest } from "./armError";
import type { Estate } from "./estate";
import type { ArmEventKind, EventPublisher } from "./events";
import type { OperationStore } from "./operations";

export interface ArmRequest {
  method: string;
  url: URL;
  /** Path segments, URL-decoded. */
  segments: string[];
  headers: IncomingHttpHeaders;
  body: unknown;
  /** The bearer token: ARM throttles and attributes per principal. */
  principal: string;
  apiVersion: string;
  clientIp: string;
  clientRequestId: string;
  correlationId: string;
  params: Record<string, string>;
}

export interface ArmResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** What handlers share. */
export interface RouteContext {
  estate: Estate;
  operations: OperationStore;
  events: EventPublisher;
  baseUrl: string;
  pageSize: () => number;
  asyncDelayMs: () => number;
}

export interface Route {
  method: string;
  /** Segments; `{name}` captures, anything else matches case-insensitively. */
  pattern: string[];
  /** Counter name, e.g. `privateDnsZones/recordSets:list`. */
  operation: string;
  family: ApiFamily | "byNamespace";
  /** The ARM resource type named in api-version errors. */
  resourceType: string;
  handle(request: ArmRequest, context: RouteContext): ArmResponse;
}

export function route(method: string, path: string, operation: string, family: Route["family"], resourceType: string, handle: Route["handle"]): Route {
  return { method, pattern: path.split("/").filter((s) => s !== ""), operation, family, resourceType, handle };
}

/** Captures for `segments` against `pattern`, or `undefined` when they do not match. */
export function matchPattern(pattern: readonly string[], segments: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i] as string;
    const s = segments[i] as string;
    if (p.startsWith("{") && p.endsWith("}")) params[p.slice(1, -1)] = s;
    else if (p.toLowerCase() !== s.toLowerCase()) return undefined;
  }
  return params;
}

/** The parameter or a TypeError naming the route bug. */
export function param(request: ArmRequest, name: string): string {
  const value = request.params[name];
  if (value === undefined) throw new TypeError(`Route parameter {${name}} missing; the route pattern must capture it`);
  return value;
}

/**
 * One page of a list, with an absolute `nextLink` carrying `$skiptoken` (and `$top`) when more
 * items remain. `top` caps the page size (record set lists' `$top`).
 */
export function page<T>(items: readonly T[], request: ArmRequest, context: RouteContext, render: (item: T) => unknown, honourTop = false): ArmResponse {
  const skipText = request.url.searchParams.get("$skiptoken") ?? request.url.searchParams.get("$skipToken") ?? "0";
  const skip = Number(skipText);
  if (!Number.isInteger(skip) || skip < 0) throw badRequest(`$skiptoken ${JSON.stringify(skipText)} is not a token this list issued.`, "InvalidSkipToken");
  let size = context.pageSize();
  const topText = request.url.searchParams.get("$top");
  if (honourTop && topText !== null) {
    const top = Number(topText);
    if (!Number.isInteger(top) || top < 1) throw badRequest(`$top must be a positive integer, got ${JSON.stringify(topText)}.`, "InvalidParameter");
    size = Math.min(size, top);
  }
  const value = items.slice(skip, skip + size).map(render);
  const body: Record<string, unknown> = { value };
  if (skip + size < items.length) {
    const next = new URL(request.url.pathname, context.baseUrl);
    next.searchParams.set("api-version", request.apiVersion);
    if (honourTop && topText !== null) next.searchParams.set("$top", topText);
    next.searchParams.set("$skiptoken", String(skip + size));
    body.nextLink = next.toString();
  }
  return { status: 200, body };
}

/** Publishes the ARM event for a change the request committed. */
export function publishChange(context: RouteContext, request: ArmRequest, kind: ArmEventKind, resourceId: string, operationName: string): void {
  context.events.publish({
    kind,
    resourceId,
    operationName,
    principal: request.principal,
    correlationId: request.correlationId,
    httpRequest: {
      clientRequestId: request.clientRequestId,
      clientIpAddress: request.clientIp,
      method: request.method,
      url: `https://management.azure.com${request.url.pathname}${request.url.search}`,
    },
  });
}

/** The JSON object body, or ARM's 400 for anything else. */
export function objectBody(request: ArmRequest): Record<string, unknown> {
  const body = request.body;
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw badRequest("The request content was invalid and could not be deserialized: expected a JSON object.", "InvalidRequestContent");
  return body as Record<string, unknown>;
}

/** The body's `tags` (none when absent), or ARM's 400 for anything but an object of strings. */
export function readTags(body: Record<string, unknown>): Record<string, string> {
  const tags = body.tags;
  if (tags === undefined) return {};
  if (!isRecord(tags) || !Object.values(tags).every((v) => typeof v === "string")) throw badRequest("tags must be an object of strings.", "InvalidRequestFormat");
  return tags as Record<string, string>;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The URLs a long-running operation is polled on, under the subscription and provider namespace. */
export function operationUrls(context: RouteContext, request: ArmRequest, subscriptionId: string, namespace: string, location: string, operationId: string): { asyncOperation: string; location: string } {
  const base = `${context.baseUrl}/subscriptions/${subscriptionId}/providers/${namespace}/locations/${location.toLowerCase().replace(/\s+/g, "")}`;
  const query = `?api-version=${encodeURIComponent(request.apiVersion)}`;
  return { asyncOperation: `${base}/operations/${operationId}${query}`, location: `${base}/operationResults/${operationId}${query}` };
}
