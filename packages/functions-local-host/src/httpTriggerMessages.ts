/**
 * @module Maps node:http requests to `@azure/functions` HttpRequest objects, and a handler's
 * HttpResponse / HttpResponseInit back onto the node:http response.
 */
import type { Cookie, HttpResponseInit } from "@azure/functions";
import { HttpRequest, HttpResponse } from "@azure/functions";
import type { ServerResponse } from "node:http";

export interface HttpRequestParts {
  readonly method: string;
  /** Absolute URL as the client addressed it. */
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly params: Record<string, string>;
  readonly body: Buffer;
}

/** The HttpRequest a handler receives; query comes from the URL, route values from `params`. */
export function toHttpRequest(parts: HttpRequestParts): HttpRequest {
  return new HttpRequest({
    method: parts.method,
    url: parts.url,
    headers: parts.headers,
    params: parts.params,
    body: parts.body.length > 0 ? { bytes: new Uint8Array(parts.body) } : undefined,
  });
}

function serializeCookie(cookie: Cookie): string {
  const parts = [`${cookie.name}=${encodeURIComponent(cookie.value)}`];
  if (cookie.domain) parts.push(`Domain=${cookie.domain}`);
  if (cookie.path) parts.push(`Path=${cookie.path}`);
  if (cookie.expires !== undefined) parts.push(`Expires=${new Date(cookie.expires).toUTCString()}`);
  if (cookie.maxAge !== undefined) parts.push(`Max-Age=${cookie.maxAge}`);
  if (cookie.secure) parts.push("Secure");
  if (cookie.httpOnly) parts.push("HttpOnly");
  if (cookie.sameSite) parts.push(`SameSite=${cookie.sameSite}`);
  return parts.join("; ");
}

/** A handler result as an HttpResponse: undefined means 204, a plain object is an HttpResponseInit. */
export function toHttpResponse(result: unknown): HttpResponse {
  if (result instanceof HttpResponse) return result;
  if (result === undefined || result === null) return new HttpResponse({ status: 204 });
  if (typeof result === "object") return new HttpResponse(result as HttpResponseInit);
  return new HttpResponse({ body: String(result) });
}

/** Writes `result` (whatever the handler returned) to `response`. */
export async function writeHttpResult(response: ServerResponse, result: unknown, method: string): Promise<void> {
  const normalized = toHttpResponse(result);
  const status = normalized.status || 200;
  const headers: Record<string, string | string[]> = {};
  normalized.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const cookies = normalized.cookies.map(serializeCookie);
  if (cookies.length > 0) headers["set-cookie"] = cookies;
  const noBody = method === "HEAD" || status === 204 || status === 304;
  const body = noBody ? Buffer.alloc(0) : Buffer.from(await normalized.arrayBuffer());
  if (!noBody) headers["content-length"] = String(body.length);
  response.writeHead(status, headers);
  response.end(body);
}
