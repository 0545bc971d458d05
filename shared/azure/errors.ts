/**
 * @module How ARM failures reach callers: a 412 as `PreconditionFailedError` (re-read and re-plan), a
 * 403 as `PermissionDeniedError` naming the RBAC actions and scope, anything else as `ArmRequestError`
 * with the status kept, plus `isTransientArmError` for retry decisions. A 404 on a read is not an
 * error at all: the adapters return `undefined` for "gone".
 */

import { isRestError } from "@azure/core-rest-pipeline";
import type { ActionParameters, ArmOperation } from "./operations";
import { actionsOf } from "./operations";

/** Someone changed the record set or connection (or created it) since we read it: never overwrite; the next run re-reads. */
export class PreconditionFailedError extends Error {
  override readonly name = "PreconditionFailed";
  readonly statusCode = 412;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * A dry run's clients refused a write (see `ArmClientOptions.readOnly`): a code path missed the run's
 * dry-run flag. Permanent: retrying never helps, and nothing was sent.
 */
export class WriteRefusedError extends Error {
  override readonly name = "WriteRefused";
  constructor(
    readonly method: string,
    readonly url: string,
  ) {
    super(`dry run: refused ${method.toUpperCase()} ${url.split("?")[0]}; a dry run never writes to ARM`);
  }
}

/** ARM refused the call (403): the app's identity lacks `actions` on `scope`. Permanent until granted. */
export class PermissionDeniedError extends Error {
  override readonly name = "PermissionDenied";
  readonly statusCode = 403;
  constructor(
    message: string,
    readonly operation: string,
    readonly actions: readonly string[],
    readonly scope: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** Any other failed ARM call, with the status and ARM error code kept for retry decisions. */
export class ArmRequestError extends Error {
  override readonly name = "ArmRequestError";
  constructor(
    message: string,
    readonly operation: string,
    readonly statusCode: number | undefined,
    readonly code: string | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** True for a `RestError` with this HTTP status. */
export function hasStatus(error: unknown, status: number): boolean {
  return isRestError(error) && error.statusCode === status;
}

/** True for a 404 from ARM: the resource (or its parent) is gone. */
export function isNotFound(error: unknown): boolean {
  return hasStatus(error, 404);
}

const TRANSIENT_CODES = new Set([
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "EAI_AGAIN",
  "REQUEST_SEND_ERROR",
  "TooManyRequests",
  "SubscriptionRequestsThrottled",
  "RetryableError",
]);

function statusOf(error: object): number | undefined {
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === "number" ? status : undefined;
}

function codeOf(error: object): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

/**
 * True when retrying later may succeed: 408, 429, 5xx (not 501/505), socket errors and timeouts,
 * found on the error or anywhere in its `cause` chain. 400, 403, 404 and 412 are permanent: decide,
 * do not retry.
 */
export function isTransientArmError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === "object" && current !== null; depth += 1) {
    const status = statusOf(current);
    if (status !== undefined) return status === 408 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
    const name = (current as { name?: unknown }).name;
    const code = codeOf(current);
    if ((code !== undefined && TRANSIENT_CODES.has(code)) || name === "TimeoutError") return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** The HTTP status and ARM error code of a failure: the first found on the error or in its `cause` chain. */
export function statusAndCodeOf(error: unknown): { status?: number; code?: string } {
  let status: number | undefined;
  let code: string | undefined;
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === "object" && current !== null; depth += 1) {
    status ??= statusOf(current);
    code ??= codeOf(current);
    current = (current as { cause?: unknown }).cause;
  }
  return { ...(status === undefined ? {} : { status }), ...(code === undefined ? {} : { code }) };
}

/** What an adapter was doing when a call failed. */
export interface ArmCallContext {
  operation: ArmOperation;
  /** The resource or scope the call addressed. */
  scope: string;
  parameters?: ActionParameters;
}

/** Translates a failed ARM call into the error callers branch on. Non-ARM errors pass through unchanged. */
export function toArmError(error: unknown, context: ArmCallContext): unknown {
  if (!isRestError(error)) return error;
  const { operation, scope } = context;
  const detail = error.message.split("\n")[0];
  if (error.statusCode === 412) {
    return new PreconditionFailedError(`${operation.name} on ${scope}: the ETag precondition failed (412); it changed since it was read. ${detail}`, {
      cause: error,
    });
  }
  if (error.statusCode === 403) {
    const actions = actionsOf(operation, context.parameters);
    return new PermissionDeniedError(
      `${operation.name} on ${scope} was denied (403 ${error.code ?? "Forbidden"}): the app's identity needs ${actions.join(" and ")} on ${scope} (${operation.request}). ${detail}`,
      operation.name,
      actions,
      scope,
      { cause: error },
    );
  }
  const status = error.statusCode === undefined ? "no response" : `HTTP ${error.statusCode}`;
  return new ArmRequestError(`${operation.name} on ${scope} failed (${status}${error.code ? ` ${error.code}` : ""}): ${detail}`, operation.name, error.statusCode, error.code, {
    cause: error,
  });
}

/** Runs one ARM call, translating its failure with `toArmError`. */
export async function armCall<T>(context: ArmCallContext, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toArmError(error, context);
  }
}

/** Runs one ARM read: a 404 means gone (`undefined`), other failures as `armCall`. */
export async function armRead<T>(context: ArmCallContext, call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw toArmError(error, context);
  }
}
