/**
 * @module `npm run infra:check`: the real Bicep compiler over every template. Gets the official Bicep
 * CLI from NuGet (`dotnet restore infra/tools/bicep.csproj`, cached under `.tools/`) or uses `$BICEP`,
 * builds the top-level templates, lints every `.bicep` file and fails on any warning or error, then
 * runs the checks on the compiled ARM JSON (`test/infra/compiled.test.ts`, pointed at the output by
 * `INFRA_COMPILED_DIR`). Needs the .NET SDK unless `BICEP` is set; `npm test` does not need any of it.
 */

import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";

const ROOT = resolve(__dirname, "..");
const INFRA = join(ROOT, "infra");
/** Version pinned in infra/tools/bicep.csproj. */
const BICEP_VERSION = "0.49.2";
const BICEP_PACKAGE = "azure.bicep.commandline.linux-x64";
/** The templates deployed on their own; modules under app/ are built as part of them. */
export const TOP_LEVEL_TEMPLATES = ["main.bicep", "eventgrid.bicep", "managementGroup.bicep"];

/** `path(line,col) : Warning rule-name: message` and `... : Error BCP...`: what counts as a finding. */
export function bicepFindings(output: string): string[] {
  return output.split(/\r?\n/).filter((line) => /\)\s*:\s*(Warning|Error)\s/.test(line));
}

function run(command: string, args: string[], options: { cwd?: string } = {}): { status: number; output: string } {
  const result = spawnSync(command, args, { cwd: options.cwd ?? ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`could not run ${command}: ${result.error.message}`, { cause: result.error });
  return { status: result.status ?? 1, output: `${result.stdout ?? ""}${result.stderr ?? ""}` };
}

/** `$BICEP`, or the CLI restored from NuGet into `.tools/nuget`. */
function bicepCli(): string {
  const fromEnv = process.env["BICEP"]?.trim();
  if (fromEnv) return fromEnv;
  if (process.platform !== "linux" || process.arch !== "x64") throw new Error("infra:check restores the linux-x64 Bicep CLI; elsewhere set BICEP=/path/to/bicep");
  const packages = join(ROOT, ".tools", "nuget");
  const cli = join(packages, BICEP_PACKAGE, BICEP_VERSION, "tools", "bicep");
  if (!existsSync(cli)) {
    console.log(`infra:check: dotnet restore infra/tools/bicep.csproj (Azure.Bicep.CommandLine.linux-x64 ${BICEP_VERSION})`);
    const restored = run("dotnet", ["restore", join(INFRA, "tools", "bicep.csproj"), "--packages", packages, "--nologo", "--verbosity", "quiet"]);
    if (restored.status !== 0 || !existsSync(cli)) throw new Error(`dotnet restore failed (exit ${restored.status}):\n${restored.output}`);
  }
  chmodSync(cli, 0o755);
  return cli;
}

function bicepFilesUnder(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((entry) => {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) return entry === "tools" ? [] : bicepFilesUnder(path);
      return path.endsWith(".bicep") ? [path] : [];
    })
    .sort();
}

function main(): void {
  const started = Date.now();
  const bicep = bicepCli();
  console.log(`infra:check: ${run(bicep, ["--version"]).output.trim()} (${bicep === process.env["BICEP"]?.trim() ? "$BICEP" : "restored from NuGet"})`);
  const outDir = mkdtempSync(join(tmpdir(), "plautopilot-infra-"));
  const problems: string[] = [];

  for (const template of TOP_LEVEL_TEMPLATES) {
    mkdirSync(outDir, { recursive: true });
    const built = run(bicep, ["build", join(INFRA, template), "--outdir", outDir]);
    const findings = bicepFindings(built.output);
    console.log(`infra:check: bicep build ${template}: ${built.status === 0 && findings.length === 0 ? "ok" : "FAILED"}`);
    if (built.status !== 0 || findings.length > 0) problems.push(`bicep build ${template} (exit ${built.status}):\n${built.output.trim()}`);
  }
  for (const file of bicepFilesUnder(INFRA)) {
    const name = relative(INFRA, file);
    const linted = run(bicep, ["lint", file]);
    const findings = bicepFindings(linted.output);
    console.log(`infra:check: bicep lint ${name}: ${linted.status === 0 && findings.length === 0 ? "ok" : `${findings.length} finding(s)`}`);
    if (linted.status !== 0 || findings.length > 0) problems.push(`bicep lint ${name} (exit ${linted.status}):\n${linted.output.trim()}`);
  }
  if (problems.length > 0) {
    console.error(`infra:check: ${problems.length} template(s) with errors or warnings (suppress a warning only in the template, with a reason):\n\n${problems.join("\n\n")}`);
    process.exit(1);
  }

  console.log(`infra:check: checks on the compiled ARM JSON in ${outDir}`);
  const vitest = spawnSync(join(ROOT, "node_modules", ".bin", "vitest"), ["run", "test/infra/compiled.test.ts"], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, INFRA_COMPILED_DIR: outDir },
  });
  if (vitest.status !== 0) process.exit(vitest.status ?? 1);
  console.log(`infra:check: passed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

if (require.main === module) main();
