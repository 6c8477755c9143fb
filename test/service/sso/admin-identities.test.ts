import { expect } from "chai";
import request from "supertest";
import { startLocalIdp, type IdpAccount, type LocalIdp } from "../../support/local-idp.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../../support/service.ts";

// An administrator links a Microsoft Entra account to a user by tenant id and object id (Entra's e-mail claim
// never links anyone), lists and unlinks it; the account's access token signs in as the user only while linked.

describe("admin: linked accounts at identity providers", function () {
  this.timeout(30_000);
  let idp: LocalIdp;
  let svc: TestService;
  let userId: string;
  let account: IdpAccount;
  const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

  before(async () => {
    idp = await startLocalIdp();
    svc = await startTestService(idp.env());
    const created = await request(svc.url).post("/api/admin/users").set(admin).send({ email: "birthe@skole.dk", name: "Birthe Holm", role: "caseworker" });
    expect(created.status).to.equal(201);
    userId = created.body.id;
    account = idp.addAccount({ realm: idp.tenants.a, subject: "0b8f3d3e-4a55-4c1e-9a7e-2d1c6c0f9a11", email: "birthe@skole.dk", name: "Birthe Holm" });
  });
  after(async () => {
    await svc?.dispose();
    await idp?.close();
  });

  const me = async (token: string) => request(svc.url).get("/api/me").set("Authorization", `Bearer ${token}`);

  it("refuses the account before it is linked, though its address is the user's", async () => {
    const res = await me(await idp.entraAccessToken(account));
    expect(res.status).to.equal(403);
    expect(res.body.code).to.equal("unknown_identity");
  });

  it("links it by tenant and object id; it then signs in as the user and is listed", async () => {
    const link = await request(svc.url)
      .post(`/api/admin/users/${userId}/identities`)
      .set(admin)
      .send({ provider: "microsoft", tenantId: idp.tenants.a.toUpperCase(), objectId: account.subject });
    expect(link.status).to.equal(201);
    expect(link.body).to.include({ provider: "microsoft", issuer: idp.entraIssuer(idp.tenants.a), subject: account.subject });

    const res = await me(await idp.entraAccessToken(account));
    expect(res.status).to.equal(200);
    expect(res.body.id).to.equal(userId);

    const list = await request(svc.url).get(`/api/admin/users/${userId}/identities`).set(admin);
    expect(list.status).to.equal(200);
    expect(list.body.items.map((i: { id: string }) => i.id)).to.deep.equal([link.body.id]);
  });

  it("refuses a second link of the same account, a tenant not configured, an unknown user and a non-admin", async () => {
    const body = { provider: "microsoft", tenantId: idp.tenants.a, objectId: account.subject };
    const again = await request(svc.url).post(`/api/admin/users/${userId}/identities`).set(admin).send(body);
    expect([again.status, again.body.code]).to.deep.equal([409, "identity_known"]);
    const other = await request(svc.url)
      .post(`/api/admin/users/${userId}/identities`)
      .set(admin)
      .send({ ...body, tenantId: idp.tenants.other });
    expect([other.status, other.body.code]).to.deep.equal([422, "tenant_not_allowed"]);
    const nobody = await request(svc.url).post("/api/admin/users/00000000-0000-4000-8000-000000000000/identities").set(admin).send(body);
    expect(nobody.status).to.equal(404);
    const malformed = await request(svc.url)
      .post(`/api/admin/users/${userId}/identities`)
      .set(admin)
      .send({ ...body, objectId: "birthe@skole.dk" });
    expect(malformed.status).to.equal(400);
    const asUser = await request(svc.url)
      .post(`/api/admin/users/${userId}/identities`)
      .set("Authorization", `Bearer ${await idp.entraAccessToken(account)}`)
      .send(body);
    expect(asUser.status).to.equal(403);
  });

  it("unlinks it: the token is refused again and the unlink is audited", async () => {
    const list = await request(svc.url).get(`/api/admin/users/${userId}/identities`).set(admin);
    const id = list.body.items[0].id;
    const gone = await request(svc.url).delete(`/api/admin/users/${userId}/identities/${id}`).set(admin);
    expect(gone.status).to.equal(204);
    expect((await me(await idp.entraAccessToken(account))).status).to.equal(403);
    expect((await request(svc.url).delete(`/api/admin/users/${userId}/identities/${id}`).set(admin)).status).to.equal(404);
    const actions = await svc.ctx.db.selectFrom("audit_events").select("action").where("object_id", "=", userId).execute();
    expect(actions.map((a) => a.action)).to.include.members(["auth.identity.link", "auth.identity.unlink"]);
  });
});
