import type { Insertable } from "kysely";
import type { Db } from "../../service/db/database.ts";
import { titleWords } from "../../service/features/cases/case-words.ts";
import type { CaseTable, CaseWordTable } from "../../service/features/cases/cases.table.ts";
import type { World } from "../support/world.ts";

// 100,000 cases written straight into the SQLite file before the service starts, indexed for suggest
// exactly as insertCase does it (one case_words row per title word), in batched transactions.

const FIRST = ["Anna", "Mads", "Sofie", "Jonas", "Ida", "Oliver", "Freja", "Lucas", "Emma", "Noah", "Clara", "Ærø", "Søren", "Åse", "Mathilde", "Victor"];
const LAST = ["Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen", "Rasmussen", "Jørgensen", "Madsen", "Kristensen"];
const PUPIL_TOPICS = ["Elevsag", "Skoleskift", "Specialundervisning", "Fravær", "Indskrivning", "Klage over karakter", "Befordring", "Udmeldelse"];
const BOARD_TOPICS = ["Bestyrelsesmøde", "Budget", "Skolebestyrelse referat", "Høringssvar", "Ansættelsesudvalg", "Årsplan"];
const MONTHS = ["januar", "februar", "marts", "april", "maj", "juni", "august", "september", "oktober", "november", "december"];

/** A small deterministic generator (mulberry32), so every bench run files the same cases. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BATCH = 1000;
// SQLite binds at most 32,766 parameters per statement.
const ROWS_PER_INSERT = { cases: 500, words: 5000 };

function chunks<T>(rows: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

export async function insertManyCases(db: Db, w: World, count: number): Promise<void> {
  const pick = random(2026);
  const one = <T>(list: T[]) => list[Math.floor(pick() * list.length)];
  const owners = [w.users.alice, w.users.bob, w.users.carl];
  for (let start = 0; start < count; start += BATCH) {
    const cases: Insertable<CaseTable>[] = [];
    const words: CaseWordTable[] = [];
    for (let i = start; i < Math.min(start + BATCH, count); i++) {
      const pupil = pick() < 0.7;
      const day = new Date(Date.UTC(2016, 0, 1) + Math.floor(pick() * 3650) * 86400_000);
      const ymd = day.toISOString().slice(0, 10);
      const title = pupil
        ? `${one(PUPIL_TOPICS)} ${one(FIRST)} ${one(LAST)} ${1 + Math.floor(pick() * 9)}.${"abc"[Math.floor(pick() * 3)]}`
        : `${one(BOARD_TOPICS)} ${one(MONTHS)} ${day.getUTCFullYear()}`;
      const closed = pick() < 0.4;
      const at = `${ymd}T09:00:00.000Z`;
      const id = `bench-case-${String(i).padStart(6, "0")}`;
      cases.push({
        id,
        number: `${ymd.replaceAll("-", "")}-${String(1_000_000 + i).padStart(7, "0")}`,
        title,
        status: closed ? "closed" : "active",
        start_date: ymd,
        end_date: closed ? ymd : null,
        owner_id: one(owners),
        responsible_id: null,
        template_id: pupil ? w.templates.pupil : w.templates.board,
        journal_code: pupil ? "17.01.00" : "00.01.10",
        access_group_id: pupil ? w.accessGroups.school : w.accessGroups.board,
        critical: 0,
        metadata: pupil ? JSON.stringify({ elevnummer: `E-${i}` }) : "{}",
        created_at: at,
        created_by: w.users.alice,
        changed_at: at,
        changed_by: w.users.alice,
      });
      for (const word of titleWords(title)) words.push({ word, case_id: id });
    }
    await db.transaction().execute(async (trx) => {
      for (const rows of chunks(cases, ROWS_PER_INSERT.cases)) await trx.insertInto("cases").values(rows).execute();
      for (const rows of chunks(words, ROWS_PER_INSERT.words)) await trx.insertInto("case_words").values(rows).execute();
    });
  }
  // Alice used some pupil cases lately, so suggest has recent cases to put first.
  const recent = Array.from({ length: 40 }, (_, k) => ({
    user_id: w.users.alice,
    case_id: `bench-case-${String(Math.floor((k * count) / 40)).padStart(6, "0")}`,
    used_at: new Date(Date.UTC(2026, 10, 1) + k * 60_000).toISOString(),
  }));
  const visible = await db
    .selectFrom("cases")
    .select("id")
    .where("access_group_id", "=", w.accessGroups.school)
    .where(
      "id",
      "in",
      recent.map((r) => r.case_id),
    )
    .execute();
  const ids = new Set(visible.map((v) => v.id));
  await db
    .insertInto("recent_cases")
    .values(recent.filter((r) => ids.has(r.case_id)))
    .execute();
}
