/**
 * @module The `export ...` lines that give a POSIX shell the app settings the CLI reads, quoted so that
 * any value survives (`npm start` prints them to point the CLI at its emulator).
 */

/** One `export NAME='value'` line per setting, in the order given. */
export function shellExports(settings: Readonly<Record<string, string>>): string {
  return Object.entries(settings)
    .map(([name, value]) => `export ${name}='${value.replace(/'/g, `'\\''`)}'`)
    .join("\n");
}
