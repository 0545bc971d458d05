/**
 * @module Microsoft's KQL parser and binder (`@kusto/language-service-next`, the Kusto.Language library
 * compiled to JavaScript) over the documented schemas of the log tables our queries read
 * (test/fixtures/azure-monitor). `kustoDiagnostics` answers what Log Analytics would reject: syntax
 * errors, unknown tables, columns or functions, and type errors.
 */

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";

/** One problem the Kusto.Language binder finds in a query. */
export interface KustoDiagnostic {
  severity: string;
  message: string;
  /** Offset in the query text. */
  start: number;
}

interface BridgeList<T> {
  Count: number;
  getItem(index: number): T;
}
interface KustoLanguage {
  Symbols: {
    ColumnSymbol: new (name: string, type: unknown) => unknown;
    TableSymbol: { $ctor4: new (name: string, columns: unknown[]) => unknown };
    DatabaseSymbol: { $ctor1: new (name: string, members: unknown[], isOpen: boolean) => unknown };
    ScalarTypes: Record<string, unknown>;
  };
  GlobalState: { Default: { WithDatabase(database: unknown): unknown } };
  KustoCode: { ParseAndAnalyze(text: string, globals: unknown): { GetDiagnostics(): BridgeList<{ Severity: string; Message: string; Start: number }> } };
}

const TYPE_NAMES: Record<string, string> = { string: "String", datetime: "DateTime", int: "Int", long: "Long", real: "Real", dynamic: "Dynamic", bool: "Bool" };

/** The library, loaded once: its scripts define `Bridge`, `System` and `Kusto` on the global object. */
function kustoLanguage(): KustoLanguage {
  const loaded = globalThis as unknown as { Kusto?: { Language: KustoLanguage } };
  if (loaded.Kusto === undefined) {
    const require = createRequire(__filename);
    require("@kusto/language-service-next/bridge.js");
    require("@kusto/language-service-next/Kusto.Language.Bridge.js");
  }
  return (loaded.Kusto as { Language: KustoLanguage }).Language;
}

let globals: unknown;

/** Kusto.Language's global state with one database holding the documented tables. */
function loadGlobals(): unknown {
  if (globals !== undefined) return globals;
  const K = kustoLanguage();
  const tables = JSON.parse(readFileSync(resolve(__dirname, "../fixtures/azure-monitor/tables.json"), "utf8")) as Record<string, Record<string, string>>;
  const symbols = Object.entries(tables).map(([table, columns]) => {
    const columnSymbols = Object.entries(columns).map(([name, type]) => {
      const scalar = K.Symbols.ScalarTypes[TYPE_NAMES[type] ?? ""];
      if (scalar === undefined) throw new TypeError(`tables.json: column ${table}.${name} has type ${type}, which the test does not map`);
      return new K.Symbols.ColumnSymbol(name, scalar);
    });
    return new K.Symbols.TableSymbol.$ctor4(table, columnSymbols);
  });
  globals = K.GlobalState.Default.WithDatabase(new K.Symbols.DatabaseSymbol.$ctor1("workspace", symbols, false));
  return globals;
}

/** Every diagnostic (error or warning) Kusto.Language reports for `query` against the documented tables. */
export function kustoDiagnostics(query: string): KustoDiagnostic[] {
  const state = loadGlobals();
  const list = kustoLanguage().KustoCode.ParseAndAnalyze(query, state).GetDiagnostics();
  const diagnostics: KustoDiagnostic[] = [];
  for (let i = 0; i < list.Count; i++) {
    const d = list.getItem(i);
    diagnostics.push({ severity: String(d.Severity), message: d.Message, start: d.Start });
  }
  return diagnostics;
}
