/**
 * @module Case-insensitive glob matching for policy criteria on names: `*` is any run of characters
 * (including none), `?` is exactly one; everything else is literal. The whole name must match.
 */

const cache = new Map<string, RegExp>();

/** True when `name` matches the glob `pattern`, ignoring case. */
export function matchesGlob(name: string, pattern: string): boolean {
  let regex = cache.get(pattern);
  if (regex === undefined) {
    const source = [...pattern].map((c) => (c === "*" ? "[^]*" : c === "?" ? "[^]" : c.replace(/[\\^$.|+()[\]{}/]/g, "\\$&"))).join("");
    regex = new RegExp(`^${source}$`, "iu");
    // Policies hold few patterns; the bound only stops a pathological caller from growing it forever.
    if (cache.size > 10_000) cache.clear();
    cache.set(pattern, regex);
  }
  return regex.test(name);
}
