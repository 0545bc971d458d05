/**
 * @module Splits a sweep's DNS changes into batches for bounded fan-out, in apply order.
 */

import type { DnsChanges } from "../shared/dns/plan";

export const NO_CHANGES: DnsChanges = { create: [], update: [], delete: [], conflicts: [], unchanged: [] };

/**
 * Waves of batches of at most `size` changes: every delete batch, then the update batches, then the
 * create batches. A wave finishes before the next starts, so a name can switch between A and CNAME.
 */
export function batchesOf(changes: DnsChanges, size: number): DnsChanges[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`batch size must be a whole number of at least 1, got ${size}`);
  const chunk = <T>(items: readonly T[], make: (part: T[]) => DnsChanges) => {
    const parts: DnsChanges[] = [];
    for (let i = 0; i < items.length; i += size) parts.push(make(items.slice(i, i + size)));
    return parts;
  };
  return [
    chunk(changes.delete, (part) => ({ ...NO_CHANGES, delete: part })),
    chunk(changes.update, (part) => ({ ...NO_CHANGES, update: part })),
    chunk(changes.create, (part) => ({ ...NO_CHANGES, create: part })),
  ];
}
