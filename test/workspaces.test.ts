/**
 * The workspace split: the harness (packages/*) and the app (the repository root) stay apart. A
 * harness file imports only its own files and the packages its package.json declares; an app file
 * imports no harness package and nothing from local/, bench/, test/ or packages/, and the app's own
 * build compiles nothing else.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "..");
const APP_FOLDERS = ["app", "functions", "orchestrations", "shared", "cli"];
const HARNESS = readdirSync(join(ROOT, "packages"));

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

function manifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.m?ts$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .filter((file) => !relative(dir, file).split(sep).some((part) => part === "node_modules" || part === "dist"));
}

/** Every module a file names: imports, re-exports, require(), import() and `/// <reference path>`. */
function specifiers(file: string): { specifier: string; reference: boolean }[] {
  const info = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  return [
    ...info.importedFiles.map((f) => ({ specifier: f.fileName, reference: false })),
    ...info.referencedFiles.map((f) => ({ specifier: f.fileName, reference: true })),
  ];
}

function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier);
}

function isBuiltin(specifier: string): boolean {
  return specifier.startsWith("node:") || builtinModules.includes(specifier);
}

function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== "" && !rel.startsWith("..") && !rel.startsWith(sep);
}

/** What a file names that it must not: the problems, one line each. */
function harnessViolations(packageDir: string): string[] {
  const own = manifest(packageDir);
  const declared = new Set(Object.keys({ ...own.dependencies, ...own.devDependencies, ...own.peerDependencies }));
  const problems: string[] = [];
  for (const file of sourceFiles(packageDir)) {
    const where = relative(ROOT, file);
    for (const { specifier, reference } of specifiers(file)) {
      if (reference || specifier.startsWith(".")) {
        const target = resolve(dirname(file), specifier);
        if (!isInside(packageDir, target)) problems.push(`${where}: ${specifier} is outside ${relative(ROOT, packageDir)}`);
      } else if (!isBuiltin(specifier) && !declared.has(packageName(specifier))) {
        problems.push(`${where}: ${specifier} is not a dependency of ${own.name}`);
      }
    }
  }
  return problems;
}

describe("the workspace split", () => {
  it.each(HARNESS)("packages/%s imports nothing from the app, only its own files and declared dependencies", (name) => {
    expect(harnessViolations(join(ROOT, "packages", name))).toEqual([]);
  });

  it("reports a harness file that imports from outside its package or an undeclared package", () => {
    const dir = mkdtempSync(join(tmpdir(), "workspace-split-"));
    try {
      mkdirSync(join(dir, "pkg", "src"), { recursive: true });
      writeFileSync(join(dir, "pkg", "package.json"), JSON.stringify({ name: "pkg", dependencies: { yaml: "*" } }));
      writeFileSync(join(dir, "pkg", "src", "index.ts"), 'import { mapFqdn } from "../../shared/dns/zones";\nimport { z } from "zod";\nimport { parse } from "yaml";\nimport { join } from "node:path";\nimport { own } from "./own";\n');
      expect(harnessViolations(join(dir, "pkg")).map((line) => line.replace(/^.*index\.ts: /, ""))).toEqual([
        `../../shared/dns/zones is outside ${relative(ROOT, join(dir, "pkg"))}`,
        "zod is not a dependency of pkg",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the app imports no harness package and nothing from local/, bench/, test/ or packages/", () => {
    const harnessNames = new Set(HARNESS.map((name) => manifest(join(ROOT, "packages", name)).name));
    const outside = ["local", "bench", "test", "packages"].map((folder) => join(ROOT, folder));
    const problems: string[] = [];
    for (const file of APP_FOLDERS.flatMap((folder) => sourceFiles(join(ROOT, folder)))) {
      for (const { specifier } of specifiers(file)) {
        const target = resolve(dirname(file), specifier);
        const reachesOut = specifier.startsWith(".") && outside.some((dir) => isInside(dir, target));
        if (reachesOut || harnessNames.has(packageName(specifier))) problems.push(`${relative(ROOT, file)}: ${specifier}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it("the app's build (tsconfig.json) compiles the app's folders alone, so it needs no harness built", () => {
    const host = { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d: ts.Diagnostic) => expect.fail(String(d.messageText)) };
    const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, "tsconfig.json"), {}, host);
    const folders = new Set(config?.fileNames.map((file) => relative(ROOT, file).split(sep)[0]));
    expect([...folders].sort()).toEqual([...APP_FOLDERS].sort());
    expect(config?.projectReferences).toBeUndefined();
  });

  it("the app's production dependencies name no harness package and nothing only the harness uses", () => {
    const app = manifest(ROOT);
    const harnessNames = HARNESS.map((name) => manifest(join(ROOT, "packages", name)).name);
    for (const name of ["selfsigned", ...harnessNames]) expect(app.dependencies ?? {}).not.toHaveProperty([name]);
  });
});
