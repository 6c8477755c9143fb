import { expect } from "chai";
import type { Request } from "express";
import { checkCsrf, ownOrigins, refuseCrossSite, type CsrfVerdict } from "../../service/http/csrf.ts";
import { Problem } from "../../service/http/problem.ts";

// A school's archive behind a proxy, also reached directly on the machine it runs on.
const PUBLIC = "https://arkiv.skole.dk";
const OWN = ownOrigins(PUBLIC, "localhost:3000", false);
const PASS: CsrfVerdict = { ok: true };
const refused = (reason: "cross_site" | "origin_mismatch" | "no_origin"): CsrfVerdict => ({ ok: false, reason });

const CHANGES = ["POST", "PUT", "PATCH", "DELETE"];
const SAFE = ["GET", "HEAD", "OPTIONS"];
const FETCH_SITES: Array<[string, CsrfVerdict]> = [
  ["same-origin", PASS],
  ["none", PASS],
  ["same-site", refused("cross_site")],
  ["cross-site", refused("cross_site")],
];

describe("CSRF protection of cookie sessions", () => {
  describe("fetch metadata (Sec-Fetch-Site)", () => {
    for (const method of CHANGES) {
      for (const [site, verdict] of FETCH_SITES) {
        it(`${method} with Sec-Fetch-Site ${site} ${verdict.ok ? "passes" : "is refused as cross_site"}`, () => {
          expect(checkCsrf(method, { "sec-fetch-site": site }, OWN)).to.deep.equal(verdict);
        });
      }
    }

    for (const method of SAFE) {
      for (const [site] of FETCH_SITES) {
        it(`${method} with Sec-Fetch-Site ${site} passes: it changes nothing`, () => {
          expect(checkCsrf(method, { "sec-fetch-site": site, origin: "https://evil.example" }, OWN)).to.deep.equal(PASS);
        });
      }
      it(`${method} with no headers at all passes`, () => {
        expect(checkCsrf(method, {}, OWN)).to.deep.equal(PASS);
      });
    }

    it("reads the method in any case", () => {
      expect(checkCsrf("get", { "sec-fetch-site": "cross-site" }, OWN)).to.deep.equal(PASS);
      expect(checkCsrf("post", { "sec-fetch-site": "cross-site" }, OWN)).to.deep.equal(refused("cross_site"));
    });

    it("treats a method it does not know as a change", () => {
      expect(checkCsrf("PROPPATCH", { "sec-fetch-site": "cross-site" }, OWN)).to.deep.equal(refused("cross_site"));
    });

    it("decides by Sec-Fetch-Site even when Origin is one of the service's own", () => {
      expect(checkCsrf("POST", { "sec-fetch-site": "cross-site", origin: PUBLIC }, OWN)).to.deep.equal(refused("cross_site"));
      expect(checkCsrf("POST", { "sec-fetch-site": "same-origin", origin: "https://evil.example" }, OWN)).to.deep.equal(PASS);
    });

    it("refuses a Sec-Fetch-Site value it does not know, or one sent twice, without looking at Origin", () => {
      expect(checkCsrf("POST", { "sec-fetch-site": "same-planet", origin: PUBLIC }, OWN)).to.deep.equal(refused("cross_site"));
      expect(checkCsrf("POST", { "sec-fetch-site": "", origin: PUBLIC }, OWN)).to.deep.equal(refused("cross_site"));
      expect(checkCsrf("POST", { "sec-fetch-site": ["same-origin", "same-origin"], origin: PUBLIC }, OWN)).to.deep.equal(refused("cross_site"));
    });
  });

  describe("Origin, for browsers without fetch metadata", () => {
    const post = (origin: string | string[], allowed = OWN) => checkCsrf("POST", { origin }, allowed);

    it("passes the public origin and the origin the request was sent to", () => {
      expect(post("https://arkiv.skole.dk")).to.deep.equal(PASS);
      expect(post("http://localhost:3000")).to.deep.equal(PASS);
    });

    it("refuses another site, another scheme, another port and a lookalike name", () => {
      expect(post("https://evil.example")).to.deep.equal(refused("origin_mismatch"));
      expect(post("http://arkiv.skole.dk")).to.deep.equal(refused("origin_mismatch"));
      expect(post("https://arkiv.skole.dk:8443")).to.deep.equal(refused("origin_mismatch"));
      expect(post("https://arkiv.skole.dk.evil.example")).to.deep.equal(refused("origin_mismatch"));
      expect(post("http://localhost:3001")).to.deep.equal(refused("origin_mismatch"));
    });

    it("treats a default port as no port, on either side", () => {
      expect(post("https://arkiv.skole.dk:443")).to.deep.equal(PASS);
      expect(post("https://arkiv.skole.dk", ["https://arkiv.skole.dk:443"])).to.deep.equal(PASS);
      expect(post("http://intern.skole.dk:80", ["http://intern.skole.dk"])).to.deep.equal(PASS);
      expect(post("http://intern.skole.dk:443", ["http://intern.skole.dk"])).to.deep.equal(refused("origin_mismatch"));
    });

    it("compares scheme and host without regard to case", () => {
      expect(post("HTTPS://Arkiv.Skole.DK")).to.deep.equal(PASS);
      expect(post("https://arkiv.skole.dk", ["https://ARKIV.skole.dk"])).to.deep.equal(PASS);
    });

    it("ignores a trailing slash, on either side", () => {
      expect(post("https://arkiv.skole.dk/")).to.deep.equal(PASS);
      expect(post("https://arkiv.skole.dk", ["https://arkiv.skole.dk/"])).to.deep.equal(PASS);
    });

    it('refuses Origin "null" (a sandboxed frame, a redirect across sites) without falling back to Referer', () => {
      expect(post("null")).to.deep.equal(refused("origin_mismatch"));
      expect(checkCsrf("POST", { origin: "null", referer: `${PUBLIC}/cases/1` }, OWN)).to.deep.equal(refused("origin_mismatch"));
    });

    it("refuses an Origin that is no http(s) origin, or one sent twice", () => {
      expect(post("")).to.deep.equal(refused("origin_mismatch"));
      expect(post("arkiv.skole.dk")).to.deep.equal(refused("origin_mismatch"));
      expect(post("file:///C:/mail.html")).to.deep.equal(refused("origin_mismatch"));
      expect(post([PUBLIC, PUBLIC])).to.deep.equal(refused("origin_mismatch"));
    });

    it("passes nothing when no origin is allowed", () => {
      expect(post(PUBLIC, [])).to.deep.equal(refused("origin_mismatch"));
    });
  });

  describe("Referer, when neither Sec-Fetch-Site nor Origin came", () => {
    const post = (referer: string) => checkCsrf("POST", { referer }, OWN);

    it("passes a page of the service's own, at either address", () => {
      expect(post("https://arkiv.skole.dk/cases/2024-0017?tab=documents")).to.deep.equal(PASS);
      expect(post("http://localhost:3000/")).to.deep.equal(PASS);
    });

    it("refuses a page elsewhere, including one that names the service in its path or user part", () => {
      expect(post("https://evil.example/arkiv.skole.dk/")).to.deep.equal(refused("origin_mismatch"));
      expect(post("https://arkiv.skole.dk@evil.example/")).to.deep.equal(refused("origin_mismatch"));
      expect(post("not a url")).to.deep.equal(refused("origin_mismatch"));
    });

    it("is not consulted when Origin came", () => {
      expect(checkCsrf("POST", { origin: "https://evil.example", referer: `${PUBLIC}/` }, OWN)).to.deep.equal(refused("origin_mismatch"));
    });
  });

  it("refuses a change that says nothing about where it came from", () => {
    for (const method of CHANGES) expect(checkCsrf(method, { cookie: "session=abc" }, OWN)).to.deep.equal(refused("no_origin"));
  });

  describe("the service's own origins", () => {
    it("behind a proxy: the public name over https, and the address the request was sent to", () => {
      expect(ownOrigins("https://arkiv.skole.dk", "localhost:3000", false)).to.deep.equal(["https://arkiv.skole.dk", "http://localhost:3000"]);
    });

    it("drops the public URL's path and default port and takes the scheme the request arrived over", () => {
      expect(ownOrigins("https://Arkiv.Skole.dk:443/ims/", "arkiv.skole.dk", true)).to.deep.equal(["https://arkiv.skole.dk"]);
      expect(ownOrigins("https://arkiv.skole.dk", "arkiv.skole.dk", false)).to.deep.equal(["https://arkiv.skole.dk", "http://arkiv.skole.dk"]);
    });

    it("leaves out a Host that is missing or unreadable, and a public URL that is no URL", () => {
      expect(ownOrigins("https://arkiv.skole.dk", undefined, true)).to.deep.equal(["https://arkiv.skole.dk"]);
      expect(ownOrigins("https://arkiv.skole.dk", "bad host", true)).to.deep.equal(["https://arkiv.skole.dk"]);
      expect(ownOrigins("arkiv", "localhost:3000", false)).to.deep.equal(["http://localhost:3000"]);
    });

    it("reads an IPv6 Host", () => {
      expect(ownOrigins("https://arkiv.skole.dk", "[::1]:3000", false)).to.include("http://[::1]:3000");
    });
  });

  describe("refusing a cross-site change in a request", () => {
    const request = (method: string, headers: Request["headers"]) => ({ method, headers }) as Request;

    it("lets a change from the service's own page through", () => {
      expect(() => refuseCrossSite(request("POST", { "sec-fetch-site": "same-origin" }), OWN)).not.to.throw();
      expect(() => refuseCrossSite(request("DELETE", { origin: "http://localhost:3000" }), OWN)).not.to.throw();
    });

    it("answers a change from another site with 403 cross_site_request that says what to do, and why", () => {
      for (const [headers, reason] of [
        [{ "sec-fetch-site": "cross-site" }, "cross_site"],
        [{ origin: "https://evil.example" }, "origin_mismatch"],
        [{}, "no_origin"],
      ] as const) {
        const refusal = problemFrom(() => refuseCrossSite(request("POST", headers), OWN));
        expect(refusal).to.include({ status: 403, code: "cross_site_request" });
        expect(refusal.detail).to.match(/refused\. (Open IMS Case|Use a current browser)/);
        expect(refusal.extra).to.deep.equal({ reason });
      }
    });
  });
});

function problemFrom(act: () => void): Problem {
  try {
    act();
  } catch (err) {
    if (err instanceof Problem) return err;
    throw err;
  }
  throw new Error("expected a Problem");
}
