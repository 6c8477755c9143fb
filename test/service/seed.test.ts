import { expect } from "chai";
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import request from "supertest";
import { startService, type RunningService } from "../../service/server.ts";
import { DEMO_FILES_DIR } from "../../service/seed/demo-cases.ts";
import { DEMO_CASES, DEMO_FLOATING, type DemoDocument } from "../../service/seed/demo-content.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../support/service.ts";

const TOKENS = { anne: "demo-token-anne-0123456789", bent: "demo-token-bent-0123456789", eva: "demo-token-eva-01234567890" };
const ENV = { SEED_DEMO: "true", IMS_DEMO_TOKEN_ANNE: TOKENS.anne, IMS_DEMO_TOKEN_BENT: TOKENS.bent, IMS_DEMO_TOKEN_EVA: TOKENS.eva };

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const shaOfDemoFile = (file: string) => sha(fs.readFileSync(path.join(DEMO_FILES_DIR, file)));
const titlesOf = (cases: Array<{ title: string }>) => cases.map((c) => c.title).sort();
const casesOwnedBy = (login: string) =>
  DEMO_CASES.filter((c) => c.owner === login)
    .map((c) => c.title)
    .sort();
const sharedCases = DEMO_CASES.filter((c) => ["Samarbejdssag", "Bestyrelsessag"].includes(c.template))
  .map((c) => c.title)
  .sort();

interface CaseItem {
  id: string;
  number: string;
  title: string;
  status: string;
  endDate: string | null;
  critical: boolean;
}
interface DocumentItem {
  id: string;
  title: string;
  caseId: string | null;
  disposalDate: string | null;
  documentTypeId: string;
}

describe("demo data (SEED_DEMO=true)", () => {
  let svc: TestService;
  let restarted: RunningService | undefined;
  let cases: CaseItem[];
  let documents: DocumentItem[];

  const get = (token: string, url: string) => request(svc.url).get(url).auth(token, { type: "bearer" });
  const download = (token: string, url: string) =>
    get(token, url)
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);

  /** Every item of a paginated listing, following the cursors. */
  async function all<T>(token: string, url: string): Promise<T[]> {
    const items: T[] = [];
    let cursor: string | null = null;
    do {
      const sep: string = url.includes("?") ? "&" : "?";
      const page: { items: T[]; nextCursor: string | null } = (await get(token, `${url}${sep}limit=5${cursor ? `&cursor=${cursor}` : ""}`).expect(200)).body;
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }

  const caseNamed = (title: string) => cases.find((c) => c.title === title)!;
  const documentNamed = (title: string) => {
    const found = documents.filter((d) => d.title === title);
    expect(found, `document "${title}"`).to.have.length(1);
    return found[0];
  };

  before(async () => {
    svc = await startTestService(ENV);
    cases = await all<CaseItem>(ADMIN_TOKEN, "/api/cases");
    documents = await all<DocumentItem>(ADMIN_TOKEN, "/api/documents");
  });
  after(async () => {
    if (restarted) await restarted.stop();
    else await svc.stop();
    fs.rmSync(svc.dataDir, { recursive: true, force: true });
  });

  it("seeds the product's cases, each numbered YYYYMMDD-NNNNNNN, with the critical ones flagged", () => {
    expect(titlesOf(cases)).to.deep.equal(DEMO_CASES.map((c) => c.title).sort());
    for (const title of [
      "Kurt Jensen",
      "Timelærer",
      "Ansøgning",
      "Elev 3",
      "Bibliotekerne",
      "Dansk historiske samling",
      "Designmuseum Nordjylland",
      "Foreningen Glade Børn",
      "M/S August Jensen",
    ]) {
      expect(caseNamed(title), title).to.include({ title, critical: false });
    }
    for (const c of cases) expect(c.number, c.title).to.match(/^\d{8}-\d{7}$/);
    expect(new Set(cases.map((c) => c.number)).size).to.equal(cases.length);
    expect(titlesOf(cases.filter((c) => c.critical))).to.deep.equal(["Eventyrets dag", "Naturgenopretning", "Ungø til søs"]);
  });

  it("a caseworker in Skolekontoret sees the school's cases and not the board secretariat's", async () => {
    expect(titlesOf(await all<CaseItem>(TOKENS.anne, "/api/cases"))).to.deep.equal(casesOwnedBy("anne"));
    await get(TOKENS.anne, `/api/cases/${caseNamed("Kurt Jensen").id}`).expect(200);
    await get(TOKENS.anne, `/api/cases/${caseNamed("Eventyrets dag").id}`).expect(404);
    await get(TOKENS.anne, `/api/documents/${documentNamed("Indstillingsnotat").id}`).expect(404);
    const me = await get(TOKENS.anne, "/api/me").expect(200);
    expect(me.body).to.include({ email: "anne@skolen.example", role: "caseworker" });
  });

  it("a caseworker in Bestyrelsessekretariatet sees the projects and shared cases and not the school's", async () => {
    expect(titlesOf(await all<CaseItem>(TOKENS.bent, "/api/cases"))).to.deep.equal(casesOwnedBy("bent"));
    await get(TOKENS.bent, `/api/cases/${caseNamed("Elev 3").id}`).expect(404);
    await get(TOKENS.bent, `/api/documents/${documentNamed("Optagelsesdokument").id}`).expect(404);
  });

  it("the external partner sees only the cases shared through Samarbejdsforum and their documents", async () => {
    expect(sharedCases).to.deep.equal(["Bestyrelsesmøder 2019", "M/S August Jensen", "Naturgenopretning"]);
    expect(titlesOf(await all<CaseItem>(TOKENS.eva, "/api/cases"))).to.deep.equal(sharedCases);
    const shared = new Set(sharedCases.map((t) => caseNamed(t).id));
    const visible = await all<DocumentItem>(TOKENS.eva, "/api/documents");
    expect(visible).to.have.length.greaterThan(0);
    for (const d of visible) expect(shared.has(d.caseId ?? ""), d.title).to.equal(true);
    await get(TOKENS.eva, `/api/cases/${caseNamed("Eventyrets dag").id}`).expect(404);
    await get(TOKENS.eva, `/api/cases/${caseNamed("Kurt Jensen").id}`).expect(404);
  });

  it("every document downloads with the sha256 of its source file in service/seed/files", async () => {
    const specs: DemoDocument[] = [...DEMO_CASES.flatMap((c) => c.documents), ...DEMO_FLOATING];
    expect(documents).to.have.length(specs.length);
    for (const spec of specs) {
      const doc = documentNamed(spec.title);
      const current = await download(ADMIN_TOKEN, `/api/documents/${doc.id}/content`);
      expect(sha(current.body), spec.title).to.equal(shaOfDemoFile(spec.nextVersion?.file ?? spec.file));
      if (spec.nextVersion) {
        const first = await download(ADMIN_TOKEN, `/api/documents/${doc.id}/content?version=1.0`);
        expect(sha(first.body), `${spec.title} 1.0`).to.equal(shaOfDemoFile(spec.file));
      }
      const details = (await get(ADMIN_TOKEN, `/api/documents/${doc.id}`).expect(200)).body;
      expect(details.attachments.map((a: { title: string }) => a.title)).to.deep.equal((spec.attachments ?? []).map((a) => a.filename));
      for (const [i, a] of (spec.attachments ?? []).entries()) {
        const bytes = await download(ADMIN_TOKEN, `/api/documents/${doc.id}/attachments/${details.attachments[i].id}/content`);
        expect(sha(bytes.body), a.filename).to.equal(shaOfDemoFile(a.file));
      }
    }
  });

  it("the Optagelsesdokument is a draft 'Elev studievejledning' (Elevdokument), version 1.0, with the Forside PDF attached", async () => {
    const doc = (await get(TOKENS.anne, `/api/documents/${documentNamed("Optagelsesdokument").id}`).expect(200)).body;
    expect(doc).to.include({ title: "Optagelsesdokument", status: "draft", category: "Elevdokument" });
    expect(doc.documentType.name).to.equal("Elev studievejledning");
    expect(doc.documentType.retention.da).to.equal("kasseres 5 år efter sagens afslutning");
    expect(doc.currentVersion.version).to.equal("1.0");
    expect(doc.case.title).to.equal("Elev 3");
    expect(doc.attachments).to.have.length(1);
    expect(doc.attachments[0].versions[0]).to.include({ filename: "Forside - Styrelsen for It og Læring.pdf", mediaType: "application/pdf", version: "1.0" });
    const pdf = fs.readFileSync(path.join(DEMO_FILES_DIR, "forside-styrelsen-for-it-og-laering.pdf"), "latin1");
    expect(pdf.startsWith("%PDF-1.")).to.equal(true);
    expect(pdf.trimEnd().endsWith("%%EOF")).to.equal(true);
  });

  it("a mail has a second version, a comment and a reference to the mail it answers", async () => {
    const doc = (await get(TOKENS.bent, `/api/documents/${documentNamed("Ansøgning modtaget").id}`).expect(200)).body;
    expect(doc.versions.map((v: { version: string }) => v.version)).to.deep.equal(["1.0", "1.1"]);
    expect(doc.currentVersion).to.include({ version: "1.1", mediaType: "message/rfc822", filename: "Ansøgning modtaget.eml" });
    expect(doc.comments).to.have.length(1);
    expect(doc.comments[0].authorName).to.equal("Bent Holm");
    expect(doc.references.outgoing).to.have.length(1);
    expect(doc.references.outgoing[0]).to.include({ kind: "reply_to", title: "Mail med inline billede og vedhæftet fil" });
    const partnerComment = (await get(TOKENS.eva, `/api/documents/${documentNamed("Projektafslutningsnotat").id}`).expect(200)).body;
    expect(partnerComment).to.include({ status: "final" });
    expect(partnerComment.currentVersion.version).to.equal("2.0");
    expect(partnerComment.comments.map((c: { authorName: string }) => c.authorName)).to.deep.equal(["Eva Lund"]);
  });

  it("floating documents exist, visible to their owner's access group and not to the other group", async () => {
    const floating = await all<DocumentItem>(ADMIN_TOKEN, "/api/documents?floating=true");
    expect(floating.map((d) => d.title).sort()).to.deep.equal(DEMO_FLOATING.map((d) => d.title).sort());
    for (const d of floating) expect(d.caseId, d.title).to.equal(null);
    const annes = (await all<DocumentItem>(TOKENS.anne, "/api/documents?floating=true")).map((d) => d.title);
    expect(annes).to.deep.equal(["Skema fra sundhedsplejen"]);
    const bents = (await all<DocumentItem>(TOKENS.bent, "/api/documents?floating=true")).map((d) => d.title).sort();
    expect(bents).to.deep.equal(["Invitation: statusmøde", "Præsentation til bestyrelsen"]);
    expect(await all<DocumentItem>(TOKENS.eva, "/api/documents?floating=true")).to.deep.equal([]);
  });

  it("the closed case's documents have disposal dates computed from its end date", async () => {
    const closed = cases.filter((c) => c.status === "closed");
    expect(closed.map((c) => c.title)).to.deep.equal(["Timelærer"]);
    expect(closed[0].endDate).to.equal("2024-06-28");
    const docs = await all<DocumentItem>(TOKENS.anne, `/api/documents?caseId=${closed[0].id}`);
    expect(docs.map((d) => d.title).sort()).to.deep.equal(["Ansættelsesbrev", "Bekræftelse af fratræden", "Timeregnskab 2023-24"]);
    for (const d of docs) expect(d.disposalDate, d.title).to.match(/^\d{4}-\d{2}-\d{2}$/);
    // Personaledokument: kasseres 5 år efter sagens afslutning.
    expect(documentNamed("Ansættelsesbrev").disposalDate).to.equal("2029-06-28");
    expect(documentNamed("Timeregnskab 2023-24").disposalDate).to.equal("2029-06-28");
    // Documents of open cases whose rule waits for the case to close have none yet.
    expect(documentNamed("Optagelsesdokument").disposalDate).to.equal(null);
  });

  it("every step was audited by the person who took it, and the audit chain verifies", async () => {
    const events = (await get(TOKENS.anne, `/api/audit?objectType=case&objectId=${caseNamed("Timelærer").id}`).expect(200)).body.items;
    const actions = events.map((e: { action: string; actor: { name: string } | null }) => `${e.action} by ${e.actor?.name}`);
    expect(actions).to.include.members(["case.create by Anne Sørensen", "case.close by Anne Sørensen"]);
    const verify = await get(ADMIN_TOKEN, "/api/audit/verify").expect(200);
    expect(verify.body.status).to.equal("ok");
    expect(verify.body.count).to.be.greaterThan(50);
  });

  it("a second start on the same data directory seeds nothing again and keeps the demo tokens working", async () => {
    await svc.stop();
    restarted = await startService(svc.config);
    const again = request(restarted.url);
    const casesAfter = (await again.get("/api/cases?limit=200").auth(ADMIN_TOKEN, { type: "bearer" }).expect(200)).body.items as CaseItem[];
    expect(casesAfter.map((c) => c.number).sort()).to.deep.equal(cases.map((c) => c.number).sort());
    const docsAfter = (await again.get("/api/documents?limit=200").auth(ADMIN_TOKEN, { type: "bearer" }).expect(200)).body.items as DocumentItem[];
    expect(docsAfter.map((d) => d.id).sort()).to.deep.equal(documents.map((d) => d.id).sort());
    const annesCases = (await again.get("/api/cases?limit=200").auth(TOKENS.anne, { type: "bearer" }).expect(200)).body.items as CaseItem[];
    expect(titlesOf(annesCases)).to.deep.equal(casesOwnedBy("anne"));
    const users = await restarted.ctx.db.selectFrom("users").select("email").where("email", "like", "%.example").execute();
    expect(users.map((u) => u.email).sort()).to.deep.equal(["anne@skolen.example", "bent@skolen.example", "eva@partner.example"]);
    const verify = await again.get("/api/audit/verify").auth(ADMIN_TOKEN, { type: "bearer" }).expect(200);
    expect(verify.body.status).to.equal("ok");
  });
});
