/**
 * @module "Did you mean": the known names closest to a misspelt one, by edit distance, ignoring case.
 */

/** The known names closest to `name` that are close enough to be a likely typo, nearest first (at most `limit`). */
export function closest(name: string, known: readonly string[], limit = 1): string[] {
  const lower = name.toLowerCase();
  const near = Math.max(2, Math.floor(name.length / 4));
  return known
    .map((candidate) => ({ candidate, distance: editDistance(lower, candidate.toLowerCase()) }))
    .filter(({ distance }) => distance <= near && distance < name.length)
    .sort((a, b) => a.distance - b.distance)
    .slice(0, limit)
    .map(({ candidate }) => candidate);
}

/** ` (did you mean "x"?)`, or nothing when no known name is close. */
export function didYouMean(name: string, known: readonly string[]): string {
  const [suggestion] = closest(name, known);
  return suggestion === undefined ? "" : ` (did you mean ${JSON.stringify(suggestion)}?)`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
