/**
 * @module What every CLI command writes to, the version of its `--json` output, and its aligned tables.
 */

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Bumped when a `--json` output changes incompatibly; scripts should check it. */
export const CLI_SCHEMA_VERSION = 1;

/** Rows as aligned columns, each line indented by `indent` (the last column is not padded). */
export function table(rows: string[][], indent = "  "): string[] {
  const widths = rows.reduce<number[]>((w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), []);
  return rows.map((row) => `${indent}${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join("  ")}`);
}
