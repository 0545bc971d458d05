import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { matchesGlob } from "../../../shared/policy";

describe("matchesGlob", () => {
  it.each<[string, string, boolean]>([
    ["rg-app-network", "rg-*", true],
    ["RG-App-Network", "rg-*-network", true],
    ["rg-app", "rg-*-network", false],
    ["pe-batch", "pe-?atch", true],
    ["pe-bbatch", "pe-?atch", false],
    ["pe-batch", "pe-batch", true],
    ["pe-batch-2", "pe-batch", false],
    ["anything", "*", true],
    ["", "*", true],
    ["", "?", false],
    ["a.b", "a.b", true],
    ["axb", "a.b", false],
    ["x(1)[2]{3}+$^|\\/", "x(1)[2]{3}+$^|\\/", true],
    ["ÄBC", "äb?", true],
    ["a😀b", "a?b", true],
  ])("%s against %s is %s", (name, pattern, expected) => {
    expect(matchesGlob(name, pattern)).toBe(expected);
  });

  it("without wildcards is equality ignoring case", () => {
    // fc.string() draws printable ASCII, where toLowerCase and the regex's case folding agree.
    const literal = fc.string({ maxLength: 20 }).filter((s) => !/[*?]/.test(s));
    fc.assert(
      fc.property(literal, fc.oneof(literal, fc.string({ maxLength: 20 })), (pattern, other) => {
        expect(matchesGlob(pattern.toUpperCase(), pattern)).toBe(true);
        expect(matchesGlob(other, pattern)).toBe(other.toLowerCase() === pattern.toLowerCase());
      }),
      { numRuns: 200 },
    );
  });

  it("matches a name with any part replaced by *", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), fc.nat(), fc.nat(), (name, a, b) => {
        const chars = [...name];
        const [from, to] = [a % (chars.length + 1), b % (chars.length + 1)].sort((x, y) => x - y) as [number, number];
        const pattern = [...chars.slice(0, from), "*", ...chars.slice(to)].map((c) => (c === "?" ? "*" : c)).join("");
        expect(matchesGlob(name, pattern)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

