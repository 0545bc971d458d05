import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type * as DeploymentPackage from "../../scripts/deploymentPackage.mjs";

const ROOT = resolve(__dirname, "..", "..");

type PackageScript = typeof DeploymentPackage;
const loadPackageScript = async () => (await import("../../scripts/deploymentPackage.mjs")) as PackageScript;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe("the deployment package (npm run package, what azd deploys)", () => {
  let build = "";
  let staged: string[] = [];
  let listed: string[] = [];

  beforeAll(async () => {
    // The real build, into a scratch project: compiled dist/ beside the root files the package takes.
    build = mkdtempSync(join(tmpdir(), "plautopilot-package-"));
    const tsc = spawnSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(ROOT, "tsconfig.json"), "--outDir", join(build, "dist")], { encoding: "utf8" });
    expect(tsc.status, tsc.stdout).toBe(0);
    for (const file of ["host.json", "package.json", "package-lock.json"]) copyFileSync(join(ROOT, file), join(build, file));
    const pkg = await loadPackageScript();
    listed = pkg.packageFiles(build);
    const out = pkg.stage({ root: build, out: join(build, ".deploy"), install: false });
    staged = filesUnder(out).map((f) => relative(out, f).split("\\").join("/")).sort();
  }, 120_000);

  afterAll(() => {
    if (build !== "") rmSync(build, { recursive: true, force: true });
  });

  it("holds the app's entry, host.json, package.json and the lockfile, exactly the files it lists", () => {
    expect(staged).toEqual(listed);
    const main = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { main: string }).main;
    expect(staged).toEqual(expect.arrayContaining([main, "host.json", "package.json", "package-lock.json"]));
    expect(staged).toContain("dist/orchestrations/activities/setConnectionState.js");
  });

  it("leaves out the harness, the CLI, the bench, tests, sources and source maps", () => {
    expect(staged.filter((f) => /^(dist\/)?(local|cli|bench|test|scripts|infra|docs)\//.test(f))).toEqual([]);
    expect(staged.filter((f) => f.endsWith(".ts") || f.endsWith(".map"))).toEqual([]);
    expect(staged.some((f) => f.startsWith("node_modules/"))).toBe(false);
  });

  it("drops the scripts from package.json, so nothing on the host tries to build", () => {
    const manifest = JSON.parse(readFileSync(join(build, ".deploy", "package.json"), "utf8")) as Record<string, unknown>;
    expect(manifest["scripts"]).toBeUndefined();
    expect(manifest["main"]).toBe("dist/functions/index.js");
  });

  it("is what azure.yaml deploys, without a remote build, after npm run package", () => {
    const azure = parse(readFileSync(join(ROOT, "azure.yaml"), "utf8")) as { requiredVersions: { azd: string }; services: { api: Record<string, unknown> } };
    expect(azure.services.api).toMatchObject({ dist: ".deploy", remoteBuild: false, host: "function" });
    // azd before 1.24.1 could delete, on azd down, a resource group it had only written into.
    expect(azure.requiredVersions.azd).toBe(">= 1.24.1");
    const scripts = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    expect(scripts["package"]).toBe("node scripts/deploymentPackage.mjs");
    expect(existsSync(join(ROOT, "scripts", "deploymentPackage.mjs"))).toBe(true);
  });
});

describe(".funcignore (a publish from the project root with Core Tools)", () => {
  it("lets through no harness, bench, test, CLI, script or source file, of the repository or of a build", async () => {
    const pkg = await loadPackageScript();
    const tracked = spawnSync("git", ["ls-files"], { cwd: ROOT, encoding: "utf8" }).stdout.split("\n").filter((f) => f !== "");
    const built = ["local", "bench", "cli", "functions", "orchestrations", "shared"].flatMap((dir) => [`dist/${dir}/index.js`, `dist/${dir}/index.js.map`]);
    // A root install links the harness workspaces into node_modules; a build leaves tsbuildinfo files.
    const harness = ["node_modules/@privatelink-autopilot/arm-emulator/package.json", "dist/tsconfig.tsbuildinfo", "packages/arm-emulator/dist/index.js"];
    const through = await pkg.funcignoreFiles(ROOT, [...tracked, ...built, ...harness, "node_modules/zod/package.json"]);
    expect(through.filter((f) => /^(dist\/)?(local|bench|test|cli|scripts|infra|docs|examples|types|packages)\//.test(f))).toEqual([]);
    expect(through.filter((f) => f.startsWith("node_modules/@privatelink-autopilot/") || f.endsWith(".tsbuildinfo"))).toEqual([]);
    expect(through.filter((f) => /\.(ts|map)$/.test(f))).toEqual([]);
    expect(through).toEqual(expect.arrayContaining(["host.json", "package.json", "dist/functions/index.js", "node_modules/zod/package.json"]));
  });
});
