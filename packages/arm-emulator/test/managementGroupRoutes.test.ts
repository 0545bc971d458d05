import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator } from "../src/index";
import type { Emulator } from "../src/index";
import { armRequest, HUB, SPOKE, UNKNOWN } from "./clients";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const GROUP = "/providers/Microsoft.Management/managementGroups";
const descendants = (group: string, query = "api-version=2020-05-01") => `${GROUP}/${group}/descendants?${query}`;

describe("the emulated management group descendants list", () => {
  let emulator: Emulator;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, pageSize: 2 });
  });
  afterAll(async () => {
    await emulator.close();
  });
  beforeEach(() => {
    emulator.control.reset();
    emulator.control.seed({
      subscriptions: [{ id: HUB }, { id: SPOKE }, { id: UNKNOWN }],
      managementGroups: [
        { id: "mg-platform", displayName: "Platform", subscriptions: [HUB] },
        { id: "mg-landing-zones", parent: "mg-platform", subscriptions: [SPOKE] },
      ],
    });
  });

  it("flattens nested groups into ARM's item shape, parents first, and pages with an absolute nextLink", async () => {
    const first = await armRequest(emulator, "GET", descendants("mg-platform"));
    expect(first.status).toBe(200);
    const body = first.body as { value: unknown[]; nextLink?: string };
    expect(body.value).toEqual([
      { id: `/subscriptions/${HUB}`, type: "Microsoft.Management/managementGroups/subscriptions", name: HUB, properties: { displayName: HUB, parent: { id: `${GROUP}/mg-platform` } } },
      { id: `${GROUP}/mg-landing-zones`, type: "Microsoft.Management/managementGroups", name: "mg-landing-zones", properties: { displayName: "mg-landing-zones", parent: { id: `${GROUP}/mg-platform` } } },
    ]);
    expect(body.nextLink).toMatch(new RegExp(`^${emulator.url}${GROUP}/mg-platform/descendants\\?api-version=2020-05-01&%24skiptoken=2$`));
    const next = new URL(body.nextLink ?? "");
    const second = await armRequest(emulator, "GET", `${next.pathname}${next.search}`);
    expect(second.body).toEqual({ value: [expect.objectContaining({ name: SPOKE, properties: { displayName: SPOKE, parent: { id: `${GROUP}/mg-landing-zones` } } })] });
  });

  it("puts the groups without a parent, and the subscriptions no group holds, under the tenant root group", async () => {
    const value: { name: string; properties: { parent: { id: string } } }[] = [];
    let path: string | undefined = descendants(TENANT);
    for (let pages = 0; path !== undefined && pages < 10; pages++) {
      const body = (await armRequest(emulator, "GET", path)).body as { value: typeof value; nextLink?: string };
      value.push(...body.value);
      path = body.nextLink === undefined ? undefined : `${new URL(body.nextLink).pathname}${new URL(body.nextLink).search}`;
    }
    expect(value.map((v) => v.name)).toEqual([UNKNOWN, "mg-platform", HUB, "mg-landing-zones", SPOKE]);
    expect(value.find((v) => v.name === "mg-platform")?.properties.parent.id).toBe(`${GROUP}/${TENANT}`);
  });

  it("answers ARM's 404 for an unknown group and 400 for an api-version Microsoft.Management does not offer", async () => {
    const missing = await armRequest(emulator, "GET", descendants("mg-missing"));
    expect(missing).toMatchObject({ status: 404, body: { error: { code: "NotFound", message: "The management group 'mg-missing' was not found." } } });
    const badVersion = await armRequest(emulator, "GET", descendants("mg-platform", "api-version=2019-01-01"));
    expect(badVersion).toMatchObject({ status: 400, body: { error: { code: "InvalidApiVersionParameter", message: expect.stringContaining("'2020-05-01,") } } });
  });

  it("refuses a seed whose hierarchy Azure could not hold", () => {
    expect(() => emulator.control.seed({ subscriptions: [], managementGroups: [{ id: "mg-orphan", parent: "mg-nowhere" }] })).toThrow(/names parent mg-nowhere, which is not a seeded management group/);
    emulator.control.reset();
    expect(() => emulator.control.seed({ subscriptions: [], managementGroups: [{ id: "mg-a", parent: "mg-b" }, { id: "mg-b", parent: "mg-a" }] })).toThrow(/is its own ancestor/);
    emulator.control.reset();
    expect(() => emulator.control.seed({ subscriptions: [], managementGroups: [{ id: "mg-a", subscriptions: [HUB] }, { id: "mg-b", subscriptions: [HUB] }] })).toThrow(/is in both mg-a and mg-b/);
  });
});
