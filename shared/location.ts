/**
 * @module Azure locations as policies compare them: lower case, without spaces ("East US" -> "eastus").
 */

export function normalizeLocation(location: string | undefined): string {
  return (location ?? "").toLowerCase().replace(/\s+/g, "");
}
