/**
 * @module The api-versions the emulator accepts, per provider. Each list holds the version the
 * project targets (the api-version of the examples in test/fixtures/arm), the version the pinned SDK package sends, and
 * a few neighbours; anything else is refused with `InvalidApiVersionParameter`, as ARM does.
 */
import { ArmError } from "./armError";

/** The api-version families the emulator serves. */
export type ApiFamily = "network" | "privateDns" | "batch" | "machineLearning" | "storage" | "keyVault";

/** Accepted versions; the first is the reference version. */
export const API_VERSIONS: Readonly<Record<ApiFamily, readonly string[]>> = {
  // 2025-05-01: @azure/arm-network 36.0.0.
  network: ["2025-07-01", "2025-05-01", "2025-03-01", "2025-01-01", "2024-10-01", "2024-07-01", "2024-05-01"],
  // 2020-06-01: @azure/arm-privatedns 3.2.0.
  privateDns: ["2024-06-01", "2020-06-01", "2020-01-01", "2018-09-01"],
  // 2023-11-01: @azure/arm-batch 9.1.0; 2024-02-01 appears in the Batch example's Location URL.
  batch: ["2025-06-01", "2024-07-01", "2024-02-01", "2023-11-01", "2023-05-01"],
  machineLearning: ["2025-09-01", "2025-06-01", "2025-04-01", "2024-10-01", "2024-04-01"],
  storage: ["2025-06-01", "2025-01-01", "2024-01-01", "2023-05-01", "2023-01-01"],
  keyVault: ["2024-11-01", "2024-04-01-preview", "2023-07-01", "2023-02-01", "2022-07-01"],
};

/** The family a provider namespace and top-level type belong to, or `undefined` when not emulated. */
export function apiFamilyOf(namespace: string, topType: string | undefined): ApiFamily | undefined {
  const ns = namespace.toLowerCase();
  if (ns === "microsoft.network") return topType?.toLowerCase() === "privatednszones" ? "privateDns" : "network";
  if (ns === "microsoft.batch") return "batch";
  if (ns === "microsoft.machinelearningservices") return "machineLearning";
  if (ns === "microsoft.storage") return "storage";
  if (ns === "microsoft.keyvault") return "keyVault";
  return undefined;
}

/** Throws ARM's 400 when `version` is not one the family accepts. */
export function checkApiVersion(family: ApiFamily, version: string, resourceType: string): void {
  const accepted = API_VERSIONS[family];
  if (!accepted.includes(version)) {
    throw new ArmError(
      400,
      "InvalidApiVersionParameter",
      `The api-version '${version}' is invalid. The supported versions for resource type '${resourceType}' are '${accepted.join(",")}'.`,
    );
  }
}
