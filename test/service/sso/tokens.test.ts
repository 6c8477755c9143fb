import { expect } from "chai";
import { SignJWT } from "jose";
import request from "supertest";
import { startLocalIdp, type IdpAccount, type LocalIdp } from "../../support/local-idp.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../../support/service.ts";

// A task pane's Microsoft Entra access token, checked by the service against the local Entra ID's published
// keys: accepted when every check holds, refused with 401 invalid_token and a sentence saying which failed.

describe("Microsoft Entra access tokens", function () {
  this.timeout(30_000);
  let idp: LocalIdp;
  let svc: TestService;
  let anna: IdpAccount;
  let userId: string;

  before(async () => {
    idp = await startLocalIdp();
    svc = await startTestService(idp.env());
    const created = await request(svc.url)
      .post("/api/admin/users")
      .set("Authorization", `Bearer ${ADMIN_TOKEN}`)
      .send({ email: "anna@skole.dk", name: "Anna Berg", role: "caseworker" });
    userId = created.body.id;
    anna = idp.addAccount({ realm: idp.tenants.a, subject: "3f0c8a52-77c1-4a9e-9a0e-5b1f2d4c6e70", email: "anna@skole.dk", name: "Anna Berg" });
    const link = await request(svc.url)
      .post(`/api/admin/users/${userId}/identities`)
      .set("Authorization", `Bearer ${ADMIN_TOKEN}`)
      .send({ provider: "microsoft", tenantId: idp.tenants.a, objectId: anna.subject });
    expect(link.status).to.equal(201);
  });
  after(async () => {
    await svc?.dispose();
    await idp?.close();
  });

  const me = (token: string) => request(svc.url).get("/api/me").set("Authorization", `Bearer ${token}`);
  const refusedBecause = async (token: string, words: RegExp) => {
    const res = await me(token);
    expect(res.status, JSON.stringify(res.body)).to.equal(401);
    expect(res.body.code).to.equal("invalid_token");
    expect(res.body.detail).to.match(words);
  };

  it("accepts a token of a configured tenant for this API with its scope", async () => {
    const res = await me(await idp.entraAccessToken(anna));
    expect(res.status).to.equal(200);
    expect(res.body.id).to.equal(userId);
  });

  it("accepts the client id as audience too (Entra's v2 access tokens carry it)", async () => {
    expect((await me(await idp.entraAccessToken(anna, { claims: { aud: idp.clientId } }))).status).to.equal(200);
  });

  it("refuses a token whose signature does not verify (a claim changed after signing)", async () => {
    const [h, p, s] = (await idp.entraAccessToken(anna)).split(".");
    const claims = JSON.parse(Buffer.from(p, "base64url").toString("utf8"));
    const forged = Buffer.from(JSON.stringify({ ...claims, oid: "00000000-0000-4000-8000-000000000001" })).toString("base64url");
    await refusedBecause(`${h}.${forged}.${s}`, /signature/);
  });

  it("refuses a token signed with a key the tenant does not publish", async () => {
    await refusedBecause(await idp.entraAccessToken(anna, { key: "foreign" }), /key the issuer does not publish/);
  });

  it("refuses a token of one tenant that claims to be another's", async () => {
    const token = await idp.entraAccessToken(anna, { claims: { iss: idp.entraIssuer(idp.tenants.b), tid: idp.tenants.b } });
    await refusedBecause(token, /key the issuer does not publish|signature/);
  });

  it("refuses a token of a tenant that is not configured, and one whose tid and issuer disagree", async () => {
    const other = idp.addAccount({ realm: idp.tenants.other, subject: "7a1e2f3b-0000-4000-8000-00000000000a", email: "x@andre.dk", name: "X" });
    await refusedBecause(await idp.entraAccessToken(other), /tenant/);
    await refusedBecause(await idp.entraAccessToken(anna, { claims: { tid: idp.tenants.b } }), /tenant/);
  });

  it("refuses a token for another application", async () => {
    await refusedBecause(await idp.entraAccessToken(anna, { claims: { aud: "api://someone-else" } }), /audience/);
  });

  it("refuses an expired token and one not valid yet", async () => {
    await refusedBecause(await idp.entraAccessToken(anna, { expiresIn: -600 }), /expired/);
    const later = Math.floor(Date.now() / 1000) + 3600;
    await refusedBecause(await idp.entraAccessToken(anna, { claims: { nbf: later, iat: later } }), /not valid yet/);
  });

  it("refuses alg none and HS256 (a key guessed from the public one)", async () => {
    await refusedBecause(await idp.entraAccessToken(anna, { key: "none" }), /RS256/);
    const claims = JSON.parse(Buffer.from((await idp.entraAccessToken(anna)).split(".")[1], "base64url").toString("utf8"));
    const hs = await new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(new TextEncoder().encode(idp.clientSecret));
    await refusedBecause(hs, /RS256/);
  });

  it("refuses a token without the API's scope, and an application's token that names no user", async () => {
    await refusedBecause(await idp.entraAccessToken(anna, { claims: { scp: "User.Read" } }), /scope access_as_user/);
    await refusedBecause(await idp.entraAccessToken(anna, { claims: { oid: undefined, scp: "access_as_user" } }), /names no user/);
  });

  it("does not take a JWT of another issuer for Microsoft's (it is no credential here at all)", async () => {
    const google = await idp.sign("google", { iss: idp.googleIssuer, aud: idp.clientId, sub: "g-1" });
    const res = await me(google);
    expect(res.status).to.equal(401);
    expect(res.body.detail).to.not.match(/Microsoft/);
  });

  it("answers 503 sign_in_unavailable when the tenant's keys cannot be fetched", async () => {
    const down = await startTestService(idp.env({ ENTRA_AUTHORITY: "https://localhost:1" }));
    try {
      const token = await idp.entraAccessToken(anna, { claims: { iss: `https://localhost:1/${idp.tenants.a}/v2.0` } });
      const res = await request(down.url).get("/api/me").set("Authorization", `Bearer ${token}`);
      expect(res.status).to.equal(503);
      expect(res.body.code).to.equal("sign_in_unavailable");
    } finally {
      await down.dispose();
    }
  });
});
