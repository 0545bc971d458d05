import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { globProblem, matchesGlob } from "../../../shared/policy";

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
    ["x(1)+$^|.", "x(1)+$^|.", true],
    ["x(1)", "x(?)", true],
    ["ÄBC", "äb?", true],
    ["a😀b", "a?b", true],
  ])("%s against %s is %s", (name, pattern, expected) => {
    expect(matchesGlob(name, pattern)).toBe(expected);
  });

  it("without wildcards is equality ignoring case", () => {
    // fc.string() draws printable ASCII, where toLowerCase and the regex's case folding agree.
    const literal = fc.string({ maxLength: 20 }).filter((s) => !/[*?]/.test(s) && globProblem(s) === undefined);
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
        fc.pre(globProblem(pattern) === undefined);
        expect(matchesGlob(name, pattern)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});


describe("globProblem", () => {
  it.each<[string, string]>([
    ["rg-[a-z]*-net", "character classes [...]"],
    ["rg-**", "** (one * already matches any run of characters)"],
    ["rg-{dev,prod}", "braces {...}"],
    ["rg-\\*", "escapes \\"],
    ["!rg-prod", "negation ! (use a not: block)"],
  ])("refuses %s, naming %s", (pattern, construct) => {
    expect(globProblem(pattern)).toBe(`unsupported glob syntax: ${construct}; only * and ? are wildcards`);
    expect(matchesGlob(pattern, pattern)).toBe(false);
  });

  it("accepts * and ? among the characters ARM names use", () => {
    for (const pattern of ["rg-*-network", "pe-?atch", "rg_(legacy).1", "*"]) expect(globProblem(pattern)).toBeUndefined();
  });

  it("matches a hostile name against many stars at once (linear time)", () => {
    expect(matchesGlob("a".repeat(5000), "*a*a*a*a*a*a*a*a*a*a*a*a*b")).toBe(false);
  });
});
