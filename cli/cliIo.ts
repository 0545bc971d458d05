/**
 * @module What every CLI command writes to, and the version of its `--json` output.
 */

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Bumped when a `--json` output changes incompatibly; scripts should check it. */
export const CLI_SCHEMA_VERSION = 1;
