/**
 * @module `npm run package`: stages the deployment package in `.deploy/`, which azd zips and deploys
 * (`dist: .deploy` in azure.yaml; azd runs `npm run build` before). A pruned production build:
 *
 * - the compiled modules the app loads, followed from `dist/functions/index.js` (the package's `main`)
 *   through its relative `require`s, so the harness (`local/`), the CLI, the bench and the tests,
 *   which the app never loads, stay out;
 * - `host.json`, `package.json` (without its scripts) and `package-lock.json`;
 * - `node_modules` from `npm ci --omit=dev --ignore-scripts`: the lockfile's production tree only.
 *
 * `node scripts/deploymentPackage.mjs --list` prints the files (without node_modules) and stages
 * nothing; `--funcignore` prints what `.funcignore` lets through from the project root (a Core Tools
 * publish). Plain Node.js, so that it runs wherever azd does.
 */

import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const ENTRY = "dist/functions/index.js";
/** Files beside the modules, from the project root. */
export const PROJECT_FILES = ["host.json", "package.json", "package-lock.json"];

const RELATIVE_REQUIRE = /\brequire\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g;

/** Node's resolution of a relative require: the file, `.js`, `.json`, or the folder's `index.js`. */
function resolveModule(fromFile, specifier) {
  const base = resolve(dirname(fromFile), specifier);
  const found = [base, `${base}.js`, `${base}.json`, join(base, "index.js")].find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
  if (found === undefined) throw new Error(`${fromFile} requires ${specifier}, which is not in the build; run npm run build`);
  return found;
}

/** The compiled modules reachable from `entry` through relative requires, as paths relative to `root`, sorted. */
export function appModules(root = ROOT, entry = ENTRY) {
  const seen = new Set();
  const queue = [resolve(root, entry)];
  while (queue.length > 0) {
    const file = queue.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    if (!file.endsWith(".js")) continue;
    for (const [, specifier] of readFileSync(file, "utf8").matchAll(RELATIVE_REQUIRE)) queue.push(resolveModule(file, specifier));
  }
  return [...seen].map((file) => relative(root, file).split(sep).join("/")).sort();
}

/** Every file of the package but node_modules, relative to it. */
export function packageFiles(root = ROOT) {
  return [...appModules(root), ...PROJECT_FILES].sort();
}

/**
 * The files among `files` (relative to `root`) that `.funcignore` lets through, with `.funcignore`'s
 * gitignore rules as Core Tools applies them. Without `files`: the files git tracks plus the build.
 */
export async function funcignoreFiles(root = ROOT, files = undefined) {
  const { default: ignore } = await import("ignore");
  const rules = ignore().add(readFileSync(join(root, ".funcignore"), "utf8"));
  const candidates = files ?? [...trackedFiles(root), ...filesUnder(root, "dist")];
  return candidates.filter((file) => !rules.ignores(file)).sort();
}

function trackedFiles(root) {
  const result = spawnSync("git", ["ls-files"], { cwd: root, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`git ls-files failed: ${result.stderr}`);
  return result.stdout.split("\n").filter((line) => line !== "");
}

function filesUnder(root, dir) {
  if (!existsSync(join(root, dir))) return [];
  return readdirSync(join(root, dir), { recursive: true })
    .map((entry) => `${dir}/${String(entry).split(sep).join("/")}`)
    .filter((file) => statSync(join(root, file)).isFile());
}

/** Writes the package into `out` (emptied first); `install: false` skips `npm ci` (tests). */
export function stage({ root = ROOT, out = join(ROOT, ".deploy"), install = true } = {}) {
  rmSync(out, { recursive: true, force: true });
  for (const file of packageFiles(root)) {
    mkdirSync(dirname(join(out, file)), { recursive: true });
    copyFileSync(join(root, file), join(out, file));
  }
  const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  delete manifest.scripts;
  writeFileSync(join(out, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  if (install) {
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const result = spawnSync(npm, ["ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: out, stdio: "inherit", shell: process.platform === "win32" });
    if (result.status !== 0) throw new Error(`npm ci --omit=dev in ${out} failed (exit ${result.status})`);
  }
  return out;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    if (process.argv.includes("--list")) console.log(packageFiles().join("\n"));
    else if (process.argv.includes("--funcignore")) console.log((await funcignoreFiles()).join("\n"));
    else console.log(`deployment package staged in ${relative(process.cwd(), stage()) || "."}`);
  } catch (error) {
    console.error(`package: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
