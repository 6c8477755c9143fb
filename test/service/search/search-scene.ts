import { randomUUID } from "node:crypto";
import { expect } from "chai";
import request from "supertest";
import { type AdvancedSearch } from "../../../shared/api/schemas/advanced-search.ts";
import { advancedSearchQueryString } from "../../../shared/api/search-query.ts";
import type { AdvancedSearchResults } from "../../../shared/api/types.ts";
import { createTemplate } from "../../../service/features/templates/templates.service.ts";
import type { Db } from "../../../service/db/database.ts";
import { bearer } from "../../support/http.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../../support/service.ts";
import { buildWorld, type World } from "../../support/world.ts";

// The scene the advanced search, its exports and saved searches are tested in, on top of the small world:
// alice's pupils' cases (one with % and _ in its title), one she owns under the board's template (which carl,
// in her access group, cannot see), bob's board case, a case shared with the partners, their documents,
// tasks and parties. Every title carries a word found nowhere else, so a row that should not be there is caught.

export interface SearchScene {
  svc: TestService;
  w: World;
  db: Db;
  /** Ids by name: cases, documents, tasks, contacts. */
  ids: Record<string, string>;
  /** Case numbers by case name. */
  numbers: Record<string, string>;
  /** GET /api/search/advanced as `token`: the results, after checking it answered 200. */
  search(token: string, search: AdvancedSearch, page?: { cursor?: string; limit?: number }): Promise<AdvancedSearchResults>;
  /** The raw answer of GET /api/search/advanced?<query>. */
  get(token: string, query: string, path?: string): request.Test;
}

export async function buildSearchScene(): Promise<SearchScene> {
  const svc = await startTestService();
  const db = svc.ctx.db;
  const w = await buildWorld(db, ADMIN_TOKEN);
  const ids: Record<string, string> = {};
  const numbers: Record<string, string> = {};
  const api = () => request(svc.url);
  const post = async (token: string, path: string, body: object) => {
    const res = await api().post(path).auth(token, bearer).send(body);
    expect(res.status, `${path}: ${JSON.stringify(res.body)}`).to.be.oneOf([200, 201]);
    return res.body;
  };
  const newCase = async (name: string, token: string, body: object) => {
    const c = await post(token, "/api/cases", body);
    ids[name] = c.id;
    numbers[name] = c.number;
  };
  const saveDocument = async (name: string, token: string, caseId: string, title: string, typeId: string) => {
    const res = await api()
      .post("/api/documents")
      .auth(token, bearer)
      .field("metadata", JSON.stringify({ documentTypeId: typeId, caseId, title, documentDate: "2024-03-15" }))
      .attach("file", Buffer.from("indhold\n"), { filename: "notat.txt", contentType: "text/plain" });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    ids[name] = res.body.id;
  };

  const partnerTemplate = await createTemplate(db, null, {
    name: "Samarbejdssag",
    accessGroupId: w.accessGroups.partners,
    journalCode: "00.01.10",
    fields: [],
    documentTypeIds: [],
  });
  const { alice, bob, admin } = w.tokens;
  await newCase("aero", alice, {
    templateId: w.templates.pupil,
    title: "Elevsag Ærøskøbing",
    startDate: "2024-08-12",
    critical: true,
    metadata: { elevnummer: "E-100", klasse: "1.a", optaget: "2024-08-12" },
  });
  await newCase("oster", alice, {
    templateId: w.templates.pupil,
    title: "Elevsag Østerby",
    startDate: "2023-02-01",
    responsibleId: w.users.carl,
    metadata: { elevnummer: "E-200", klasse: "2.b" },
  });
  await newCase("discount", alice, {
    templateId: w.templates.pupil,
    title: "Skolebus 50% rabat_ordning",
    startDate: "2022-05-05",
    metadata: { elevnummer: "E-300" },
  });
  await newCase("alicesBoard", alice, { templateId: w.templates.board, title: "Alices bestyrelsesnotat Tornby", startDate: "2024-01-10" });
  await newCase("board", bob, { templateId: w.templates.board, title: "Bestyrelsesmøde Vesterhavet", startDate: "2024-03-01" });
  await newCase("partners", bob, { templateId: partnerTemplate.id, title: "Partnerprojekt Lindholm", startDate: "2024-04-01" });

  ids.karen = (await post(admin, "/api/contacts", { kind: "person", name: "Karen Ærbødig", emails: ["karen@example.dk"], address: { city: "Århus" } })).id;
  ids.hans = (await post(admin, "/api/contacts", { kind: "person", name: "Hans Bestyrer", emails: ["hans@example.dk", "hb@example.dk"] })).id;
  ids.partnerAps = (await post(admin, "/api/contacts", { kind: "organisation", name: "Partner ApS", cvr: "12345674", address: { city: "Odense" } })).id;
  await post(alice, `/api/cases/${ids.aero}/parties`, { contactId: ids.karen, roleId: "role-elev" });
  await post(bob, `/api/cases/${ids.board}/parties`, { contactId: ids.hans, roleId: "role-bestyrelsesmedlem" });
  await post(bob, `/api/cases/${ids.partners}/parties`, { contactId: ids.partnerAps, roleId: "role-leverandoer" });

  await saveDocument("aeroNote", alice, ids.aero, "Indstillingsnotat Ærøskøbing", w.types.note);
  await saveDocument("aeroLetter", alice, ids.aero, "Brev om skolebus", w.types.letter);
  await saveDocument("boardMinutes", bob, ids.board, "Referat Vesterhavet", w.types.minutes);
  await saveDocument("partnersNote", bob, ids.partners, "Samarbejdsaftale Lindholm", w.types.note);
  await post(alice, `/api/documents/${ids.aeroNote}/parties`, { contactId: ids.karen, roleId: "role-modtager" });

  ids.budgetTask = (
    await post(alice, "/api/tasks", {
      title: "Kontrol af budgetplan",
      description: "Tjek tallene for Ærøskøbing",
      caseId: ids.aero,
      assignee: { type: "user", id: w.users.alice },
      deadline: "2024-09-01",
    })
  ).id;
  ids.noteTask = (await post(alice, "/api/tasks", { title: "Læs indstillingsnotatet", documentId: ids.aeroNote })).id;
  ids.boardTask = (
    await post(bob, "/api/tasks", {
      title: "Godkendelse af afrapportering",
      caseId: ids.board,
      assignee: { type: "user", id: w.users.bob },
      deadline: "2024-10-01",
    })
  ).id;

  const get = (token: string, query: string, path = "/api/search/advanced") => api().get(`${path}?${query}`).auth(token, bearer);
  return {
    svc,
    w,
    db,
    ids,
    numbers,
    get,
    async search(token, search, page = {}) {
      const res = await get(token, advancedSearchQueryString(search, page));
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      return res.body;
    },
  };
}

/**
 * `n` cases straight into the table, as the archive would hold them after years (numbers, times and titles in
 * order), for paging and exports; the titles are `${prefix} 00001` and on.
 */
export async function insertCases(
  db: Db,
  n: number,
  c: { prefix: string; ownerId: string; templateId: string; accessGroupId: string; responsibleIds?: Array<string | null>; titleOf?: (i: number) => string },
): Promise<string[]> {
  const ids: string[] = [];
  const batch = 500;
  for (let from = 0; from < n; from += batch) {
    const rows = Array.from({ length: Math.min(batch, n - from) }, (_, k) => {
      const i = from + k;
      const at = new Date(Date.UTC(2020, 0, 1) + i * 60_000).toISOString();
      const id = randomUUID();
      ids.push(id);
      return {
        id,
        number: `20200101-${String(9_000_000 + i).padStart(7, "0")}-${c.prefix}`,
        title: c.titleOf ? c.titleOf(i) : `${c.prefix} ${String(i).padStart(5, "0")}`,
        status: (i % 3 === 0 ? "closed" : "active") as "active" | "closed",
        start_date: at.slice(0, 10),
        end_date: null,
        owner_id: c.ownerId,
        responsible_id: c.responsibleIds ? c.responsibleIds[i % c.responsibleIds.length] : null,
        template_id: c.templateId,
        journal_code: "17.01.00",
        access_group_id: c.accessGroupId,
        critical: 0,
        metadata: JSON.stringify(i % 4 === 0 ? {} : { elevnummer: `P-${i % 7}`, klasse: ["0.a", "1.a", "2.b"][i % 3] }),
        created_at: at,
        created_by: c.ownerId,
        changed_at: at,
        changed_by: c.ownerId,
      };
    });
    await db.insertInto("cases").values(rows).execute();
  }
  return ids;
}
