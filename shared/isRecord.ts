/**
 * @module The narrowing every parser of untrusted JSON starts with: is this value a plain object?
 */

/** True for a non-null object that is not an array. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
