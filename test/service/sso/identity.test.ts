import { expect } from "chai";
import request from "supertest";
import type { ExternalAccount } from "../../../service/features/auth/sso/account.ts";
import { signInAccount } from "../../../service/features/auth/sso/identity.ts";
import { startLocalIdp, type IdpAccount, type LocalIdp } from "../../support/local-idp.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../../support/service.ts";

// Who a verified account is (identity.ts): users created for a tenant that allows it, Google's Workspace-domain
// rules, directory groups applied at each sign-in, deactivated users refused.

const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

describe("single sign-on: who an account is", function () {
  this.timeout(30_000);
  let idp: LocalIdp;
  let svc: TestService;
  const gid = { teachers: "11111111-1111-4111-8111-111111111111", office: "22222222-2222-4222-8222-222222222222" };

  before(async () => {
    idp = await startLocalIdp();
    svc = await startTestService(
      idp.env({
        ENTRA_TENANTS: `${idp.tenants.a}:caseworker,${idp.tenants.b}`,
        GOOGLE_HOSTED_DOMAINS: "skole.dk",
        IMS_SSO_GROUPS: `microsoft:${gid.teachers}=Lærere, microsoft:${gid.office}=Kontoret, microsoft:33333333-3333-4333-8333-333333333333=Findes ikke`,
      }),
    );
    for (const name of ["Lærere", "Kontoret"]) expect((await request(svc.url).post("/api/admin/groups").set(admin).send({ name })).status).to.equal(201);
  });
  after(async () => {
    await svc?.dispose();
    await idp?.close();
  });

  const me = (token: string) => request(svc.url).get("/api/me").set("Authorization", `Bearer ${token}`);
  const groupsOf = async (userId: string) => {
    const rows = await svc.ctx.db
      .selectFrom("group_members")
      .innerJoin("groups", "groups.id", "group_members.group_id")
      .select(["groups.name", "group_members.via_sso"])
      .where("user_id", "=", userId)
      .orderBy("groups.name")
      .execute();
    return rows.map((r) => `${r.name}${r.via_sso ? " (directory)" : ""}`);
  };

  it("creates a caseworker at the first sign-in of an unknown account of a tenant that allows it, and finds them again", async () => {
    const carl = idp.addAccount({ realm: idp.tenants.a, subject: "aaaaaaaa-0000-4000-8000-000000000001", email: "Carl@Skole.dk", name: "Carl Dam" });
    const first = await me(await idp.entraAccessToken(carl));
    expect(first.status).to.equal(200);
    expect(first.body).to.include({ email: "carl@skole.dk", name: "Carl Dam", role: "caseworker" });
    const again = await me(await idp.entraAccessToken(carl));
    expect(again.body.id).to.equal(first.body.id);
    const users = await svc.ctx.db.selectFrom("users").select("id").where("email", "=", "carl@skole.dk").execute();
    expect(users).to.have.length(1);
  });

  it("refuses an unknown account of a tenant without a role for new users, and creates nobody", async () => {
    const dora = idp.addAccount({ realm: idp.tenants.b, subject: "bbbbbbbb-0000-4000-8000-000000000002", email: "dora@kommune.dk", name: "Dora" });
    const res = await me(await idp.entraAccessToken(dora));
    expect([res.status, res.body.code]).to.deep.equal([403, "unknown_identity"]);
    expect(res.body.detail).to.match(/not linked to an IMS Case user/);
    expect(await svc.ctx.db.selectFrom("users").select("id").where("email", "=", "dora@kommune.dk").execute()).to.have.length(0);
  });

  it("does not create a second user for an address that is taken: the account must be linked", async () => {
    await request(svc.url).post("/api/admin/users").set(admin).send({ email: "eva@skole.dk", name: "Eva", role: "caseworker" });
    const eva = idp.addAccount({ realm: idp.tenants.a, subject: "cccccccc-0000-4000-8000-000000000003", email: "eva@skole.dk", name: "Eva" });
    const res = await me(await idp.entraAccessToken(eva));
    expect([res.status, res.body.code]).to.deep.equal([403, "unknown_identity"]);
    expect(res.body.detail).to.match(/has the address eva@skole.dk already/);
  });

  it("applies directory groups at each sign-in: added, moved, removed; hand-made memberships and unmapped groups stay", async () => {
    const finn: IdpAccount = { realm: idp.tenants.a, subject: "dddddddd-0000-4000-8000-000000000004", email: "finn@skole.dk", name: "Finn" };
    const signIn = async (groups: string[] | undefined) => {
      const res = await me(await idp.entraAccessToken({ ...finn, groups }));
      expect(res.status).to.equal(200);
      return res.body.id as string;
    };
    const id = await signIn([gid.teachers, "99999999-9999-4999-8999-999999999999"]);
    expect(await groupsOf(id)).to.deep.equal(["Lærere (directory)"]);
    // An administrator puts Finn in Kontoret by hand.
    const office = await svc.ctx.db.selectFrom("groups").select("id").where("name", "=", "Kontoret").executeTakeFirstOrThrow();
    expect(
      (
        await request(svc.url)
          .put(`/api/admin/groups/${office.id}/members`)
          .set(admin)
          .send({ userIds: [id] })
      ).status,
    ).to.equal(200);
    expect(await groupsOf(id)).to.deep.equal(["Kontoret", "Lærere (directory)"]);
    // The directory moves Finn from the teachers to the office: Lærere goes, Kontoret stays as the administrator made it.
    await signIn([gid.office.toUpperCase()]);
    expect(await groupsOf(id)).to.deep.equal(["Kontoret"]);
    await signIn([gid.teachers]);
    expect(await groupsOf(id)).to.deep.equal(["Kontoret", "Lærere (directory)"]);
    // A token without a groups claim says nothing about groups: nothing changes.
    await signIn(undefined);
    expect(await groupsOf(id)).to.deep.equal(["Kontoret", "Lærere (directory)"]);
    await signIn([]);
    expect(await groupsOf(id)).to.deep.equal(["Kontoret"]);
    const audited = await svc.ctx.db.selectFrom("audit_events").select("details").where("action", "=", "group.members").where("actor_id", "is", null).execute();
    expect(audited.length).to.be.at.least(3);
  });

  it("refuses a deactivated user's linked account", async () => {
    const gina = idp.addAccount({ realm: idp.tenants.a, subject: "eeeeeeee-0000-4000-8000-000000000005", email: "gina@skole.dk", name: "Gina" });
    const id = (await me(await idp.entraAccessToken(gina))).body.id;
    expect((await request(svc.url).patch(`/api/admin/users/${id}`).set(admin).send({ active: false })).status).to.equal(200);
    const res = await me(await idp.entraAccessToken(gina));
    expect(res.status).to.be.oneOf([401, 403]);
    expect(res.body.detail).to.match(/deactivated/);
  });

  describe("Google accounts", () => {
    const google = (over: Partial<ExternalAccount>): ExternalAccount => ({
      provider: "google",
      issuer: "https://accounts.google.com",
      subject: "g-100",
      realm: "skole.dk",
      email: "hans@skole.dk",
      emailVerified: true,
      name: "Hans",
      groups: null,
      ...over,
    });
    let hans: string;
    before(async () => {
      hans = (await request(svc.url).post("/api/admin/users").set(admin).send({ email: "hans@skole.dk", name: "Hans", role: "caseworker" })).body.id;
    });

    it("links a verified address of the Workspace domain to its user once; from then on the subject signs in", async () => {
      const first = await signInAccount(svc.ctx, google({}));
      expect(first).to.include({ userId: hans, created: false });
      const renamed = await signInAccount(svc.ctx, google({ email: "hans.new@skole.dk" }));
      expect(renamed).to.include({ userId: hans });
    });

    it("refuses another account with the same address (a reused address), another domain, a consumer account, an unverified address", async () => {
      const reasons = [];
      for (const a of [
        google({ subject: "g-200" }),
        google({ subject: "g-300", realm: "andetsted.dk", email: "hans@andetsted.dk" }),
        google({ subject: "g-400", realm: "" }),
        google({ subject: "g-500", emailVerified: false }),
      ]) {
        const outcome = await signInAccount(svc.ctx, a);
        expect(outcome).to.have.property("refused");
        reasons.push((outcome as { details: Record<string, unknown> }).details.reason);
      }
      expect(reasons).to.deep.equal(["address_reused", "wrong_hosted_domain", "wrong_hosted_domain", "unknown_identity"]);
    });
  });
});
