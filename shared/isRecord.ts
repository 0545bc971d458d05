/**
 * @module The narrowing every parser of untrusted JSON starts with: is this value a plain object?
 */

/** True for a plain object: not null, not an array, not binary data (`Uint8Array`, `Buffer`) or a `Date`. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return Object.prototype.toString.call(value) === "[object Object]";
}
