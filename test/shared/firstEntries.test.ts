import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FirstEntries } from "../../shared/firstEntries";

describe("FirstEntries", () => {
  it("keeps what a stable sort by key and a cut to the limit keep, and counts every entry", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ key: fc.constantFrom("a", "a-b", "a.b", "B", "b", "c1", "c10", "c2"), n: fc.nat() })), fc.nat({ max: 6 }), (items, limit) => {
        const first = new FirstEntries<{ key: string; n: number }>(limit, (i) => i.key);
        for (const i of items) first.add(i);
        expect(first.items()).toEqual([...items].sort((a, b) => a.key.localeCompare(b.key)).slice(0, limit));
        expect(first.count).toBe(items.length);
      }),
    );
  });
});
