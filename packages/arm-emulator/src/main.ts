/**
 * @module Command line: runs the ARM emulator alone.
 * `node packages/arm-emulator/dist/main.js --estate packages/arm-emulator/estates/demo.json --port 8443 [--ca-file path]
 *  [--page-size n] [--throttling] [--async-delay-ms n]`
 * Writes the CA certificate to a file, prints where, and prints the ARM and control URLs.
 */
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { EmulatorOptions } from "./index";
import { loadEstateSeed, startEmulator } from "./index";

function integer(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`--${name} ${value}: expected a non-negative integer`);
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      estate: { type: "string" },
      port: { type: "string", default: "8443" },
      "ca-file": { type: "string" },
      "page-size": { type: "string" },
      throttling: { type: "boolean", default: false },
      "async-delay-ms": { type: "string" },
    },
  });
  const options: EmulatorOptions = { port: integer(values.port, "port") ?? 8443, throttling: values.throttling ?? false };
  if (values.estate !== undefined) options.estate = await loadEstateSeed(resolve(values.estate));
  const pageSize = integer(values["page-size"], "page-size");
  if (pageSize !== undefined) options.pageSize = pageSize;
  const delay = integer(values["async-delay-ms"], "async-delay-ms");
  if (delay !== undefined) options.asyncOperationDelayMs = delay;

  const emulator = await startEmulator(options);
  const caFile = resolve(values["ca-file"] ?? join(tmpdir(), `arm-emulator-${emulator.port}-ca.pem`));
  await writeFile(caFile, emulator.ca);
  process.stdout.write(
    [
      `ARM emulator listening on ${emulator.url}`,
      `CA certificate: ${caFile}   (NODE_EXTRA_CA_CERTS=${caFile} or tlsOptions: { ca })`,
      `Control API: ${emulator.url}/_emulator/   (POST /_emulator/{method} with a JSON object of arguments)`,
      values.estate !== undefined ? `Estate: ${resolve(values.estate)}` : "Estate: empty",
      "",
    ].join("\n"),
  );
  const stop = (): void => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`ARM emulator failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
