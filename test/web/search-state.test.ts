import { expect } from "chai";
import { SEARCH_FIELDS } from "../../shared/api/schemas/advanced-search.ts";
import { advancedSearchQueryString } from "../../shared/api/search-query.ts";
import { fieldLabel, optionLabel } from "../../shared/i18n/search-fields.ts";
import type { CaseTemplate } from "../../shared/index.ts";
import {
  advancedSearchLink,
  columnFields,
  conditionFields,
  customFieldsOf,
  fieldsOf,
  moveColumn,
  newCondition,
  parseCondition,
  runnable,
  searchFromParams,
  shownColumns,
  sortedBy,
  sortFields,
  toggleColumn,
  type SearchState,
} from "../../web/src/search/search-state.ts";

// The advanced search's address is the search: what the page reads from it and writes to it, and the fields it offers.

const template = (name: string, fields: CaseTemplate["fields"]): CaseTemplate => ({
  id: `tpl-${name}`,
  name,
  accessGroupId: "ag",
  journalCode: "17",
  fields,
  documentTypeIds: [],
  active: true,
});

const paramsOf = (link: string) => new URLSearchParams(link.slice(link.indexOf("?") + 1));

describe("the advanced search's address and state", () => {
  it("a search written into the address reads back the same, colons in a value and all", () => {
    const search: SearchState = {
      target: "cases",
      where: [
        { field: "status", op: "eq", value: "active" },
        { field: "meta.klasse", op: "eq", value: "kl. 10:30 & 2.b" },
        { field: "endDate", op: "empty", value: "" },
      ],
      columns: ["number", "title", "meta.klasse"],
      sort: "number",
      dir: "desc",
    };
    const link = advancedSearchLink(search);
    expect(link.startsWith("/soeg/avanceret?target=cases&where=")).to.equal(true);
    expect(link.slice(link.indexOf("?") + 1)).to.equal(advancedSearchQueryString(search));
    expect(searchFromParams(paramsOf(link))).to.deep.equal(search);
  });

  it("an address with no target, an unknown target or garbled conditions gives what can be read, cases by default", () => {
    expect(searchFromParams(new URLSearchParams(""))).to.deep.equal({ target: "cases", where: [], columns: [] });
    const read = searchFromParams(
      new URLSearchParams("target=weather&where=title&where=title:like:x&where=title:contains:skov&where=bad field:eq:1&columns=title,,bad column&dir=up"),
    );
    expect(read).to.deep.equal({ target: "cases", where: [{ field: "title", op: "contains", value: "skov" }], columns: ["title"] });
  });

  it("a condition splits at its first two colons only", () => {
    expect(parseCondition("text:contains:a:b:c")).to.deep.equal({ field: "text", op: "contains", value: "a:b:c" });
    expect(parseCondition("notEmpty")).to.equal(null);
    expect(parseCondition("owner:notEmpty:")).to.deep.equal({ field: "owner", op: "notEmpty", value: "" });
  });

  it("only conditions that can run are asked: one waiting for its value is left out, and values are trimmed", () => {
    const asked = runnable({
      target: "documents",
      where: [
        { field: "title", op: "contains", value: "  budget " },
        { field: "category", op: "eq", value: "   " },
        { field: "case", op: "empty", value: "left over" },
      ],
      columns: [],
      dir: "asc",
    });
    expect(asked).to.deep.equal({
      target: "documents",
      where: [
        { field: "title", op: "contains", value: "budget" },
        { field: "case", op: "empty", value: "" },
      ],
      columns: [],
    });
  });

  it("sorting by a column starts ascending and turns on a second click; another column starts ascending again", () => {
    const base: SearchState = { target: "cases", where: [], columns: [] };
    const once = sortedBy(base, "title");
    expect([once.sort, once.dir]).to.deep.equal(["title", "asc"]);
    const twice = sortedBy(once, "title");
    expect([twice.sort, twice.dir]).to.deep.equal(["title", "desc"]);
    expect(sortedBy(twice, "title").dir).to.equal("asc");
    expect(sortedBy(twice, "number").dir).to.equal("asc");
  });

  it("columns start from the target's defaults, are added at the end, hidden and moved within their ends", () => {
    const base: SearchState = { target: "contacts", where: [], columns: [] };
    expect(shownColumns(base)).to.deep.equal(["name", "kind", "email", "city"]);
    const withPhone = toggleColumn(base, "phone", true);
    expect(withPhone).to.deep.equal(["name", "kind", "email", "city", "phone"]);
    expect(toggleColumn({ ...base, columns: withPhone }, "kind", false)).to.deep.equal(["name", "email", "city", "phone"]);
    expect(moveColumn(withPhone, "phone", -1)).to.deep.equal(["name", "kind", "email", "phone", "city"]);
    expect(moveColumn(withPhone, "name", -1)).to.deep.equal(withPhone);
    expect(moveColumn(withPhone, "phone", 1)).to.deep.equal(withPhone);
  });

  it("the templates' own fields are case fields once each by name, with their label, type and every template's options", () => {
    const custom = customFieldsOf([
      template("Elevsag", [
        { name: "elevnummer", label: "Elevnummer", type: "text", required: true },
        { name: "klasse", label: "Klasse", type: "choice", required: false, options: ["0.a", "1.a"] },
      ]),
      template("Skolesag", [
        { name: "klasse", label: "Klassetrin", type: "choice", required: false, options: ["1.a", "2.b"] },
        { name: "optaget", label: "Optaget", type: "date", required: false },
        { name: "betalt", label: "Betalt", type: "boolean", required: false },
      ]),
    ]);
    expect(custom).to.deep.equal([
      { id: "meta.elevnummer", metaName: "elevnummer", type: "string", label: "Elevnummer" },
      { id: "meta.klasse", metaName: "klasse", type: "choice", label: "Klasse", options: ["0.a", "1.a", "2.b"] },
      { id: "meta.optaget", metaName: "optaget", type: "date", label: "Optaget" },
      { id: "meta.betalt", metaName: "betalt", type: "boolean", label: "Betalt" },
    ]);
    expect(fieldsOf("cases", custom).map((f) => f.id)).to.include.members(["title", "meta.klasse"]);
    expect(fieldsOf("documents", custom).map((f) => f.id)).not.to.include("meta.klasse");
  });

  it("conditions leave out column-only fields, columns the free text, sorting both", () => {
    const fields = fieldsOf("documents");
    expect(conditionFields(fields).map((f) => f.id))
      .to.include("text")
      .and.not.include("caseTitle");
    expect(columnFields(fields).map((f) => f.id))
      .to.include("caseTitle")
      .and.not.include("text");
    expect(sortFields(fields).map((f) => f.id)).not.to.include.members(["text"]);
    expect(sortFields(fields).map((f) => f.id)).not.to.include("caseTitle");
  });

  it("a new condition starts with its type's first operator, and with a value only where one is the natural start", () => {
    expect(newCondition({ id: "critical", type: "boolean" })).to.deep.equal({ field: "critical", op: "eq", value: "true" });
    expect(newCondition({ id: "status", type: "choice", options: ["active", "closed"] })).to.deep.equal({ field: "status", op: "eq", value: "active" });
    expect(newCondition({ id: "startDate", type: "date" })).to.deep.equal({ field: "startDate", op: "eq", value: "" });
    expect(newCondition({ id: "journalCode", type: "code" }).op).to.equal("eq");
  });
});

describe("the advanced search's field labels (shared with the CSV headers)", () => {
  it("every field of every target has a label in Danish and in English", () => {
    for (const [target, fields] of Object.entries(SEARCH_FIELDS)) {
      for (const field of Object.keys(fields)) {
        for (const lang of ["da", "en"] as const) {
          const label = fieldLabel(target as keyof typeof SEARCH_FIELDS, field, lang);
          expect(label, `${target}.${field} (${lang})`).to.not.equal(field);
          expect(label).to.match(/^\p{Lu}/u);
        }
      }
    }
  });

  it("a custom field is named by its template's label, or by its name when none is given", () => {
    expect(fieldLabel("cases", "meta.klasse", "da", "Klasse")).to.equal("Klasse");
    expect(fieldLabel("cases", "meta.klasse", "en")).to.equal("klasse");
    expect(fieldLabel("cases", "owner", "da")).to.equal("Sagsejer");
    expect(fieldLabel("tasks", "deadline", "en")).to.equal("Deadline");
  });

  it("every choice of every field has a label in both languages", () => {
    for (const fields of Object.values(SEARCH_FIELDS)) {
      for (const spec of Object.values(fields) as Array<{ options?: readonly string[] }>) {
        for (const option of spec.options ?? []) {
          expect(optionLabel(option, "da"), option).to.not.equal(option);
          expect(optionLabel(option, "en"), option).to.not.equal(option);
        }
      }
    }
    expect(optionLabel("in_progress", "da")).to.equal("I gang");
    expect(optionLabel("0.a", "da")).to.equal("0.a");
  });
});
