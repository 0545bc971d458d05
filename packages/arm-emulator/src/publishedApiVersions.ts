/**
 * @module The published api-versions of every provider the emulator serves, stable and preview, and
 * the first version in which each emulated resource type exists. Data only; `apiVersions.ts` applies it.
 *
 * Source: the per-version folders of the Azure REST API specifications (Azure/azure-rest-api-specs,
 * `specification/<service>/resource-manager/<Namespace>/{stable,preview}/<version>`), as listed by
 * Azure/bicep-types-az, which is generated from those specifications: `generated/<service>/<namespace>/
 * <version>/types.md`, read 2026-11 (its newest listed files are at commits 056911ccb300c363c754daba2fae6c044eaace95,
 * 36a6dc79d62be253810745cef6e27e21dae4e99f and 430768b4dc20f00655986a1ed27cb1fc593041c6). Microsoft.Network
 * after 2023-02-01 was truncated in that listing; its versions from 2023-04-01 to 2025-05-01 are the
 * ones Pulumi's azure-native 3.13 (also generated from the specifications) lists as available for
 * `network.PrivateEndpoint`, and 2025-07-01 is the version the Azure CLI 2.85 sends for private
 * endpoints. Its previews after 2015 define network-manager types only, none of which is emulated, so
 * they are left out. A type's first version is the first whose types.md defines `<type>@<version>`.
 */

/** The providers (and Private DNS, which shares Microsoft.Network's namespace but has its own specification). */
export type ApiFamily = "network" | "privateDns" | "batch" | "machineLearning" | "storage" | "keyVault" | "resources";

export const PUBLISHED_API_VERSIONS: Readonly<Record<ApiFamily, readonly string[]>> = {
  network: [
    "2015-05-01-preview", "2015-06-15", "2016-03-30", "2016-06-01", "2016-09-01", "2016-12-01", "2017-03-01", "2017-03-30",
    "2017-06-01", "2017-08-01", "2017-09-01", "2017-10-01", "2017-11-01", "2018-01-01", "2018-02-01", "2018-04-01", "2018-06-01",
    "2018-07-01", "2018-08-01", "2018-10-01", "2018-11-01", "2018-12-01", "2019-02-01", "2019-04-01", "2019-06-01", "2019-07-01",
    "2019-08-01", "2019-09-01", "2019-11-01", "2019-12-01", "2020-03-01", "2020-04-01", "2020-05-01", "2020-06-01", "2020-07-01",
    "2020-08-01", "2020-11-01", "2021-02-01", "2021-03-01", "2021-05-01", "2021-08-01", "2022-01-01", "2022-05-01", "2022-07-01",
    "2022-09-01", "2022-11-01", "2023-02-01", "2023-04-01", "2023-05-01", "2023-06-01", "2023-09-01", "2023-11-01", "2024-01-01",
    "2024-03-01", "2024-05-01", "2024-07-01", "2024-10-01", "2025-01-01", "2025-03-01", "2025-05-01", "2025-07-01",
  ],
  privateDns: ["2018-09-01", "2020-01-01", "2020-06-01", "2024-06-01"],
  batch: [
    "2015-12-01", "2017-01-01", "2017-05-01", "2017-09-01", "2018-12-01", "2019-04-01", "2019-08-01", "2020-03-01", "2020-05-01",
    "2020-09-01", "2021-01-01", "2021-06-01", "2022-01-01", "2022-06-01", "2022-10-01", "2023-05-01", "2023-11-01", "2024-02-01",
    "2024-07-01", "2025-06-01",
  ],
  machineLearning: [
    "2018-03-01-preview", "2018-11-19", "2019-05-01", "2019-06-01", "2019-11-01", "2020-01-01", "2020-02-18-preview", "2020-03-01",
    "2020-04-01-preview", "2020-04-01", "2020-05-01-preview", "2020-05-15-preview", "2020-06-01", "2020-08-01", "2020-09-01-preview",
    "2021-01-01", "2021-03-01-preview", "2021-04-01", "2021-07-01", "2022-01-01-preview", "2022-02-01-preview", "2022-05-01",
    "2022-06-01-preview", "2022-10-01-preview", "2022-10-01", "2022-12-01-preview", "2023-02-01-preview", "2023-04-01-preview",
    "2023-04-01", "2023-06-01-preview", "2023-08-01-preview", "2023-10-01", "2024-01-01-preview", "2024-04-01-preview", "2024-04-01",
    "2024-07-01-preview", "2024-10-01-preview", "2024-10-01", "2025-01-01-preview", "2025-04-01-preview", "2025-04-01", "2025-06-01",
    "2025-07-01-preview", "2025-09-01", "2025-10-01-preview", "2025-12-01", "2026-01-15-preview", "2026-03-01", "2026-03-15-preview",
    "2026-05-01",
  ],
  storage: [
    "2015-05-01-preview", "2015-06-15", "2016-01-01", "2016-05-01", "2016-12-01", "2017-06-01", "2017-10-01", "2018-02-01",
    "2018-03-01-preview", "2018-07-01", "2018-11-01", "2019-04-01", "2019-06-01", "2020-08-01-preview", "2021-01-01", "2021-02-01",
    "2021-04-01", "2021-06-01", "2021-08-01", "2021-09-01", "2022-05-01", "2022-09-01", "2023-01-01", "2023-04-01", "2023-05-01",
    "2024-01-01", "2025-01-01", "2025-06-01", "2025-08-01", "2026-04-01", "2026-06-01", "2026-09-01",
  ],
  // ARM's own endpoints (subscriptions, tenants, providers): the stable versions of the
  // Microsoft.Resources specifications, resources.json and subscriptions.json.
  resources: [
    "2015-11-01", "2016-02-01", "2016-06-01", "2016-07-01", "2016-09-01", "2017-05-10", "2018-02-01", "2018-05-01", "2018-06-01",
    "2019-03-01", "2019-05-01", "2019-05-10", "2019-06-01", "2019-07-01", "2019-08-01", "2019-10-01", "2019-11-01", "2020-01-01",
    "2020-06-01", "2020-08-01", "2020-10-01", "2021-01-01", "2021-04-01", "2021-05-01", "2022-02-01", "2022-05-01", "2022-09-01",
    "2022-12-01", "2023-07-01", "2023-08-01", "2024-03-01", "2024-07-01", "2024-08-01", "2024-11-01", "2025-03-01", "2025-04-01",
  ],
  keyVault: [
    "2015-06-01", "2016-10-01", "2018-02-14-preview", "2018-02-14", "2019-09-01", "2020-04-01-preview", "2021-04-01-preview",
    "2021-06-01-preview", "2021-10-01", "2021-11-01-preview", "2022-02-01-preview", "2022-07-01", "2022-11-01", "2023-02-01",
    "2023-07-01", "2024-04-01-preview", "2024-11-01", "2024-12-01-preview", "2025-05-01", "2026-02-01", "2026-03-01-preview",
    "2026-05-15", "2026-06-01-preview",
  ],
};

/**
 * Emulated resource types that did not exist in their provider's first version: the version that
 * introduced them. Types not listed exist in every version of their family.
 */
export const FIRST_API_VERSION: Readonly<Record<string, string>> = {
  "microsoft.network/privateendpoints": "2019-04-01",
  "microsoft.network/privateendpoints/privatednszonegroups": "2020-03-01",
  "microsoft.batch/batchaccounts/privateendpointconnections": "2020-03-01",
  "microsoft.batch/batchaccounts/privatelinkresources": "2020-03-01",
  "microsoft.storage/storageaccounts/privateendpointconnections": "2019-06-01",
  "microsoft.storage/storageaccounts/privatelinkresources": "2019-06-01",
  "microsoft.keyvault/vaults/privateendpointconnections": "2018-02-14",
  "microsoft.keyvault/vaults/privatelinkresources": "2018-02-14",
  "microsoft.machinelearningservices/workspaces/privateendpointconnections": "2020-01-01",
  "microsoft.machinelearningservices/workspaces/privatelinkresources": "2020-01-01",
};

