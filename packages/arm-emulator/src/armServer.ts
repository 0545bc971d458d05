/**
 * @module The request pipeline in front of the ARM routes: fault injection, bearer auth,
 * api-version checks, route matching with ARM's 4xx for unknown types and methods, per-principal
 * throttling, body parsing, the common ARM response headers, and the ARM error shape for every failure.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApiFamily, ApiVersionScope } from "./apiVersions";
import { apiFamilyOf, checkApiVersion } from "./apiVersions";
import { ArmError } from "./armError";
import type { Estate } from "./estate";
import type { FaultInjector } from "./faults";
import { injectedError } from "./faults";
import { newGuid } from "./random";
import type { RequestCounters } from "./requestCounters";
import type { ArmRequest, ArmResponse, Route, RouteContext } from "./router";
import { matchPattern } from "./router";
import type { Throttler } from "./throttling";
import { shapeForVersion } from "./versionedFields";
import { requestClassOf } from "./throttling";

export interface ArmServerParts {
  routes: readonly Route[];
  context: RouteContext;
  faults: FaultInjector;
  counters: RequestCounters;
  throttler: Throttler;
}

interface Matched {
  route: Route;
  params: Record<string, string>;
}

function findRoute(routes: readonly Route[], method: string, segments: string[]): { matched?: Matched; otherMethods: string[] } {
  const otherMethods: string[] = [];
  for (const r of routes) {
    const params = matchPattern(r.pattern, segments);
    if (params === undefined) continue;
    if (r.method === method) return { matched: { route: r, params }, otherMethods };
    otherMethods.push(r.method);
  }
  return { otherMethods };
}

function send(res: ServerResponse, response: ArmResponse, extraHeaders: Record<string, string>): void {
  const headers: Record<string, string> = { ...extraHeaders, ...(response.headers ?? {}) };
  let text = "";
  if (response.body !== undefined) {
    text = JSON.stringify(response.body);
    headers["Content-Type"] = "application/json; charset=utf-8";
  }
  headers["Content-Length"] = String(Buffer.byteLength(text));
  res.writeHead(response.status, headers);
  res.end(text);
}

function errorResponse(error: ArmError): ArmResponse {
  return { status: error.status, body: error.toBody(), headers: error.headers };
}

/** Why a path matched no route, in ARM's words. */
function unknownPath(segments: string[], method: string, otherMethods: string[], apiVersion: string): ArmError {
  if (otherMethods.length > 0) {
    return new ArmError(405, "MethodNotAllowed", `The HTTP method '${method}' is not supported for this resource; supported: ${[...new Set(otherMethods)].join(", ")}.`);
  }
  const at = segments.findIndex((s) => s.toLowerCase() === "providers");
  const namespace = at >= 0 ? segments[at + 1] : undefined;
  if (namespace !== undefined) {
    if (apiFamilyOf(namespace, segments[at + 2]) === undefined) {
      // A list by subscription of a namespace the emulator does not host answers as ARM does for a
      // namespace the subscription never registered (and so holds nothing of).
      if (method === "GET" && at === 2 && segments[0]?.toLowerCase() === "subscriptions" && segments.length === 5) {
        return new ArmError(409, "MissingSubscriptionRegistration", `The subscription is not registered to use namespace '${namespace}'. See https://aka.ms/rps-not-found for how to register subscriptions.`);
      }
      return new ArmError(400, "InvalidResourceNamespace", `The resource namespace '${namespace}' is invalid or not emulated.`);
    }
    const type = segments.slice(at + 2).filter((_, i) => i % 2 === 0).join("/");
    return new ArmError(400, "InvalidResourceType", `The resource type '${type}' could not be found in the namespace '${namespace}' for api version '${apiVersion}'.`);
  }
  return new ArmError(404, "NotFound", `The path '/${segments.join("/")}' is not an emulated ARM path.`);
}

/** The bearer token of an Authorization header: the principal ARM throttles and attributes by. */
function bearerOf(authorization: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)/i.exec(authorization ?? "")?.[1];
}

/** The location of the resource a path addresses (as far as the estate knows it), for api-version errors. */
function versionScopeOf(estate: Estate, family: ApiFamily, segments: readonly string[]): ApiVersionScope {
  if (family === "privateDns") return { location: "global", supportedLocations: ["global"] };
  const supportedLocations = [...new Set(estate.listResources().map((r) => r.location.toLowerCase()))].sort();
  const at = segments.findIndex((s) => s.toLowerCase() === "providers");
  const id = at >= 0 && segments.length >= at + 4 ? `/${segments.slice(0, at + 4).join("/")}` : undefined;
  const location = id === undefined ? undefined : (estate.getResource(id) ?? estate.getEndpoint(id))?.location;
  return { location: location ?? "global", supportedLocations };
}

/** Handles one ARM request end to end; never throws. */
export async function handleArmRequest(parts: ArmServerParts, req: IncomingMessage, res: ServerResponse, url: URL, bodyText: string): Promise<void> {
  const method = (req.method ?? "GET").toUpperCase();
  const requestId = newGuid();
  const correlationId = typeof req.headers["x-ms-correlation-request-id"] === "string" ? req.headers["x-ms-correlation-request-id"] : newGuid();
  const common: Record<string, string> = {
    "x-ms-request-id": requestId,
    "x-ms-correlation-request-id": correlationId,
    Date: new Date().toUTCString(),
    "Cache-Control": "no-cache",
  };
  let segments: string[];
  try {
    segments = url.pathname.split("/").filter((s) => s !== "").map(decodeURIComponent);
  } catch {
    send(res, errorResponse(new ArmError(400, "InvalidRequestUri", "The request path is not validly encoded.")), common);
    return;
  }
  const { matched, otherMethods } = findRoute(parts.routes, method, segments);
  parts.counters.count(`${method} ${matched?.route.operation ?? "unknown"}`);
  if (method !== "GET" && method !== "HEAD") {
    const writeDone = parts.counters.writeStarted();
    res.once("close", writeDone);
  }

  const fault = parts.faults.pick(method, url.pathname);
  if (fault !== undefined) {
    if (fault.type === "latency") {
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
    } else if (fault.type === "drop") {
      req.socket.destroy();
      return;
    } else if (fault.type === "throttle") {
      parts.counters.countThrottled();
      const retryAfter = String(fault.retryAfterSeconds ?? 1);
      send(res, errorResponse(new ArmError(429, "TooManyRequests", `Injected throttling; retry after ${retryAfter} seconds.`, { "Retry-After": retryAfter })), common);
      return;
    } else if (fault.type === "error") {
      send(res, errorResponse(injectedError(fault, method, segments, bearerOf(req.headers.authorization) ?? "anonymous")), common);
      return;
    }
  }

  const headers = { ...common };
  try {
    const authorization = req.headers.authorization ?? "";
    const token = bearerOf(authorization);
    if (token === undefined) {
      throw new ArmError(
        401,
        authorization === "" ? "AuthenticationFailed" : "InvalidAuthenticationToken",
        authorization === "" ? "Authentication failed. The 'Authorization' header is missing." : "The access token is invalid: expected 'Bearer <token>'.",
        { "WWW-Authenticate": 'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token"' },
      );
    }
    const apiVersion = url.searchParams.get("api-version");
    if (apiVersion === null || apiVersion === "") {
      throw new ArmError(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
    }
    if (matched === undefined) throw unknownPath(segments, method, otherMethods, apiVersion);
    const { route, params } = matched;
    const family = route.family === "byNamespace" ? apiFamilyOf(params.namespace ?? "", undefined) : route.family;
    if (family !== undefined) {
      const resourceType = route.family === "byNamespace" ? `${params.namespace ?? ""}/${route.resourceType}` : route.resourceType;
      checkApiVersion(family, apiVersion, resourceType, () => versionScopeOf(parts.context.estate, family, segments));
    }

    const subscriptionId = params.sub ?? "";
    const requestClass = requestClassOf(method);
    const decision = parts.throttler.take(subscriptionId, token, requestClass);
    headers[`x-ms-ratelimit-remaining-subscription-${requestClass}`] = String(decision.remaining);
    if (!decision.allowed) {
      parts.counters.countThrottled();
      throw new ArmError(
        429,
        "SubscriptionRequestsThrottled",
        `Number of '${requestClass}' requests for subscription '${subscriptionId}' actor '${token.slice(0, 8)}...' exceeded. Please try again after '${decision.retryAfterSeconds}' seconds.`,
        { "Retry-After": String(decision.retryAfterSeconds) },
      );
    }

    let body: unknown;
    if (bodyText.trim() !== "") {
      try {
        body = JSON.parse(bodyText);
      } catch (cause) {
        throw new ArmError(400, "InvalidRequestContent", `The request content was invalid and could not be deserialized: ${(cause as Error).message}`);
      }
    }
    const clientRequestId = typeof req.headers["x-ms-client-request-id"] === "string" ? req.headers["x-ms-client-request-id"] : newGuid();
    const request: ArmRequest = {
      method,
      url,
      segments,
      headers: req.headers,
      body,
      principal: token,
      apiVersion,
      clientIp: req.socket.remoteAddress ?? "127.0.0.1",
      clientRequestId,
      correlationId,
      params,
    };
    const response = route.handle(request, parts.context);
    send(res, response.body === undefined ? response : { ...response, body: shapeForVersion(response.body, apiVersion) }, headers);
  } catch (error) {
    // TypeError/RangeError come from validating what the request named (ids, IPs): the caller's fault.
    const armError =
      error instanceof ArmError
        ? error
        : error instanceof TypeError || error instanceof RangeError
          ? new ArmError(400, "BadRequest", error.message)
          : new ArmError(500, "InternalServerError", `Emulator error: ${error instanceof Error ? error.message : String(error)}`);
    send(res, errorResponse(armError), headers);
  }
}
