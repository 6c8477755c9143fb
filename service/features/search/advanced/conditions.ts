import { sql, type RawBuilder, type SqlBool } from "kysely";
import { likeAnyCase, type Engine } from "../../../db/dialect.ts";
import type { PlannedCondition } from "./search-plan.ts";
import type { FieldSql } from "./target-sql.ts";

// A condition as SQL: one rule per operator for every field of every target, each value bound as a parameter.
// Dates compare by the day, so a timestamp (created, changed) and a calendar date behave alike: "on 2024-01-31"
// is from that day's start up to the next day's. `ne` and `empty` are what `eq` and `notEmpty` are not, which
// keeps rows without a value on the right side (a case with no responsible is "not Alice's").

/** Text a LIKE pattern takes literally: %, _ and the escape character itself escaped (the pattern ends `ESCAPE '\'`). */
export const likeLiteral = (text: string) => text.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/** The day after a YYYY-MM-DD day. */
export const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

type Positive = Exclude<PlannedCondition["op"], "ne" | "empty">;

function holds(engine: Engine, c: PlannedCondition, op: Positive, x: RawBuilder<unknown>): RawBuilder<SqlBool> {
  const v = c.operand;
  const day = c.field.type === "date";
  switch (op) {
    case "eq":
      return day ? sql<SqlBool>`(${x} >= ${v} AND ${x} < ${nextDay(v as string)})` : sql<SqlBool>`${x} = ${v}`;
    case "gte":
      return sql<SqlBool>`${x} >= ${v}`;
    case "lte":
      return day ? sql<SqlBool>`${x} < ${nextDay(v as string)}` : sql<SqlBool>`${x} <= ${v}`;
    case "contains":
      return likeAnyCase(engine, x, `%${likeLiteral(v as string)}%`);
    case "startsWith":
      return likeAnyCase(engine, x, `${likeLiteral(v as string)}%`);
    case "under":
      return sql<SqlBool>`${x} IN (${sql.join(v as string[])})`;
    case "notEmpty":
      return sql<SqlBool>`(${x} IS NOT NULL AND ${x} <> '')`;
  }
}

/** The condition on this field; a field with several values holds when any of them does. */
export function conditionSql(engine: Engine, c: PlannedCondition, field: FieldSql): RawBuilder<SqlBool> {
  const negated = c.op === "ne" || c.op === "empty";
  const positive: Positive = c.op === "ne" ? "eq" : c.op === "empty" ? "notEmpty" : (c.op as Positive);
  const test = (x: RawBuilder<unknown>) => holds(engine, c, positive, x);
  const p = field.anyOf ? field.anyOf(test) : test(field.value);
  return negated ? sql<SqlBool>`NOT coalesce(${p}, false)` : p;
}
