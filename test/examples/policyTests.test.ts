import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(__dirname, "..", "..");
const RUN = join(ROOT, "examples", "policy-tests", "run.sh");
// The CLI from source, as `npx privatelink-autopilot` runs it from the build.
const CLI = `${join(ROOT, "node_modules", ".bin", "tsx")} ${join(ROOT, "cli", "main.ts")}`;

function run(...args: string[]) {
  const result = spawnSync("sh", [RUN, ...args], { env: { ...process.env, PRIVATELINK_AUTOPILOT: CLI }, encoding: "utf8", timeout: 60_000 });
  return { code: result.status, out: result.stdout, err: result.stderr };
}

describe("examples/policy-tests: how a platform team tests its policy in CI", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "plautopilot-policy-tests-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("validates the example policy and decides every case as expected", () => {
    const { code, out } = run();
    expect(out).toMatch(/policy\.yaml: valid \(6 rules, default action leavePending\)/);
    expect(out).toContain("ok    cases/ml-workspace.json: approve allow-ml-workspaces");
    expect(out).toMatch(/^7 of 7 cases decided as expected$/m);
    expect(code).toBe(0);
  }, 60_000);

  it("fails the pipeline when a case decides otherwise, and when the policy is invalid", async () => {
    const expectations = join(dir, "expected.txt");
    await writeFile(expectations, `${join(ROOT, "examples", "policy-tests", "cases", "keyvault.json")} approve keyvault-for-humans\n`);
    const wrong = run(join(ROOT, "examples", "policy.yaml"), expectations);
    expect(wrong.out).toMatch(/FAIL .*keyvault\.json: expected approve keyvault-for-humans, got leavePending keyvault-for-humans/);
    expect(wrong.code).toBe(1);

    const invalid = join(dir, "policy.yaml");
    await writeFile(invalid, (await readFile(join(ROOT, "examples", "policy.yaml"), "utf8")).replace("Microsoft.KeyVault/vaults", "Microsoft.KeyVault/vault"));
    const bad = run(invalid);
    expect(bad.err).toContain('unknown resource type "Microsoft.KeyVault/vault"; nearest known: Microsoft.KeyVault/vaults');
    expect(bad.code).toBe(1);
  }, 60_000);
});
