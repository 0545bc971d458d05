/**
 * @module Just enough of KQL to check our alert queries against the app's real log lines: the
 * `startswith`, `endswith`, `has` and `==` comparisons of `where`, and `parse <column> with <pattern>` in its
 * default (simple) mode, which matches like a regular expression: `*` and string columns match
 * lazily, `long` columns match digits, text in quotes matches itself.
 */

/** One `parse X with ...` of a query: the column it reads and the regular expression its pattern means. */
export interface KqlParse {
  column: string;
  names: string[];
  regex: RegExp;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Every `parse` statement of a query, in order. */
export function kqlParses(query: string): KqlParse[] {
  return [...query.matchAll(/^\| parse (\w+) with (.+)$/gm)].map(([, column = "", pattern = ""]) => {
    const names: string[] = [];
    let regex = "^";
    for (const token of pattern.match(/"[^"]*"|\*|[\w]+(?::\w+)?/g) ?? []) {
      if (token.startsWith('"')) regex += escape(token.slice(1, -1));
      else if (token === "*") regex += "[\\s\\S]*?";
      else {
        const [name = "", type = "string"] = token.split(":");
        names.push(name);
        regex += type === "long" ? "(-?\\d+)" : "([\\s\\S]*?)";
      }
    }
    // A column last in the pattern takes the rest of the text.
    regex = regex.replace(/\(\[\\s\\S\]\*\?\)$/, "([\\s\\S]*)");
    return { column, names, regex: new RegExp(regex) };
  });
}

/** Applies a query's `parse` statements to one row; `undefined` when one does not match (KQL leaves the columns empty). */
export function applyParses(query: string, row: Record<string, string>): Record<string, string> | undefined {
  const result: Record<string, string> = { ...row };
  for (const parse of kqlParses(query)) {
    const match = parse.regex.exec(result[parse.column] ?? "");
    if (match === null) return undefined;
    parse.names.forEach((name, i) => (result[name] = match[i + 1] ?? ""));
  }
  return result;
}

/**
 * The query's string comparisons in `where` lines (`<column> startswith|endswith|has|== "..."`), on
 * Message or on the columns its parses made: whether one row passes them all.
 */
export function passesWhere(query: string, row: Record<string, string>): boolean {
  const wheres = [...query.matchAll(/^\| where (.+)$/gm)].map((m) => m[1] ?? "");
  const checks = wheres.flatMap((clause) => [...clause.matchAll(/(\w+) (startswith|endswith|has|==) "([^"]*)"/g)]);
  return checks.every(([, column = "", operator, text = ""]) => {
    const value = row[column];
    if (value === undefined) return true;
    return operator === "startswith" ? value.startsWith(text) : operator === "endswith" ? value.endsWith(text) : operator === "has" ? value.includes(text) : value === text;
  });
}
