import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import { parse as parseContentDisposition } from "content-disposition";
import request from "supertest";
import { requestedRange } from "../../service/http/download.ts";
import { bearer, binary, sha256 } from "../support/http.ts";
import { ADMIN_TOKEN, startTestService, type TestService } from "../support/service.ts";
import { buildWorld, type World } from "../support/world.ts";

describe("downloading stored content", () => {
  let svc: TestService;
  let w: World;
  const content = Buffer.from("Referat af skolebestyrelsens møde den 3. marts: æøå og resten af teksten.\n");
  const size = content.length;
  let url: string;
  let etag: string;

  const download = (range?: string) => {
    const req = request(svc.url).get(url).auth(w.tokens.alice, bearer).buffer(true).parse(binary);
    return range === undefined ? req : req.set("Range", range);
  };
  const saveText = async (bytes: Buffer, filename: string) => {
    const res = await request(svc.url)
      .post("/api/documents")
      .auth(w.tokens.alice, bearer)
      .field("metadata", JSON.stringify({ documentTypeId: w.types.letter }))
      .attach("file", bytes, { filename, contentType: "text/plain" });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body as { id: string; currentVersion: { sha256: string; size: number } };
  };

  before(async () => {
    svc = await startTestService();
    w = await buildWorld(svc.ctx.db, ADMIN_TOKEN);
    const doc = await saveText(content, "Referat.txt");
    url = `/api/documents/${doc.id}/content`;
    etag = `"${doc.currentVersion.sha256}"`;
  });
  after(() => svc.dispose());

  describe("a Range header", () => {
    const partial = async (range: string, start: number, end: number) => {
      const res = await download(range).expect(206);
      expect(res.headers["content-range"], range).to.equal(`bytes ${start}-${end}/${size}`);
      expect(res.headers["content-length"], range).to.equal(String(end - start + 1));
      expect(Buffer.compare(res.body, content.subarray(start, end + 1)), range).to.equal(0);
      expect(res.headers.etag).to.equal(etag);
      expect(res.headers["accept-ranges"]).to.equal("bytes");
    };

    it("for the first bytes gets exactly those, 206 with Content-Range and Content-Length", async () => {
      await partial("bytes=0-9", 0, 9);
      await partial("bytes=0-0", 0, 0);
    });

    it("for a suffix (bytes=-10) gets the last ten bytes; a suffix longer than the content gets all of it", async () => {
      await partial("bytes=-10", size - 10, size - 1);
      await partial(`bytes=-${size * 10}`, 0, size - 1);
    });

    it("open-ended (bytes=20-) gets the rest from there; a last position past the end stops at the end", async () => {
      await partial("bytes=20-", 20, size - 1);
      await partial(`bytes=${size - 1}-`, size - 1, size - 1);
      await partial("bytes=5-99999999999999999999", 5, size - 1);
    });

    it("with other spelling the RFC allows (unit in capitals, spaces around the list) is still one range", async () => {
      await partial("Bytes=3-5", 3, 5);
      await partial("bytes= 3-5 ,", 3, 5);
    });

    it("that is not valid byte-range syntax is ignored: the whole content, 200", async () => {
      for (const range of ["bytes=abc", "bytes=5-2", "bytes=", "bytes=-", "bytes 0-3", "items=0-3", "bytes=0x10-20", "bytes=1.5-3", "bytes=--3"]) {
        const res = await download(range);
        expect(res.status, range).to.equal(200);
        expect(res.headers["content-range"], range).to.equal(undefined);
        expect(res.headers["content-length"], range).to.equal(String(size));
        expect(Buffer.compare(res.body, content), range).to.equal(0);
      }
    });

    it("naming several ranges is answered with the whole content, 200, not multipart", async () => {
      for (const range of ["bytes=0-3,10-13", "bytes=0-3,4-7", `bytes=0-3,${size + 10}-`]) {
        const res = await download(range).expect(200);
        expect(res.headers["content-range"], range).to.equal(undefined);
        expect(Buffer.compare(res.body, content), range).to.equal(0);
      }
    });

    it("that the content cannot satisfy is answered 416 problem+json with Content-Range bytes */size", async () => {
      for (const range of [`bytes=${size}-`, `bytes=${size}-${size + 5}`, "bytes=999999-", "bytes=-0"]) {
        const res = await download(range);
        expect(res.status, range).to.equal(416);
        expect(res.type, range).to.equal("application/problem+json");
        expect(JSON.parse(res.body.toString("utf8")).code, range).to.equal("range_not_satisfiable");
        expect(res.headers["content-range"], range).to.equal(`bytes */${size}`);
        expect(res.headers["content-disposition"], range).to.equal(undefined);
      }
    });

    it("is honoured under If-Range with the content's ETag, and ignored under any other validator", async () => {
      const matching = await download("bytes=0-3").set("If-Range", etag).expect(206);
      expect(matching.body.toString("utf8")).to.equal(content.subarray(0, 4).toString("utf8"));
      for (const ifRange of ['"0000"', `W/${etag}`, "Tue, 01 Dec 2026 10:00:00 GMT"]) {
        const stale = await download("bytes=0-3").set("If-Range", ifRange).expect(200);
        expect(Buffer.compare(stale.body, content), ifRange).to.equal(0);
      }
    });

    it("on HEAD is ignored: the headers of the whole content and no body", async () => {
      const res = await request(svc.url).head(url).auth(w.tokens.alice, bearer).set("Range", "bytes=0-3").expect(200);
      expect(res.headers["content-length"]).to.equal(String(size));
      expect(res.headers.etag).to.equal(etag);
      expect(res.headers["content-disposition"]).to.match(/^attachment;/);
    });
  });

  describe("conditional requests", () => {
    it("If-None-Match naming the content's ETag (in a list, weakly, or *) is answered 304 with the ETag and no body", async () => {
      for (const value of [etag, `"other", ${etag}`, `W/${etag}`, "*"]) {
        const res = await request(svc.url).get(url).auth(w.tokens.alice, bearer).set("If-None-Match", value);
        expect(res.status, value).to.equal(304);
        expect(res.headers.etag, value).to.equal(etag);
        expect(res.text ?? "", value).to.equal("");
      }
      await download().set("If-None-Match", '"something-else"').expect(200);
    });

    it("If-None-Match wins over Range: 304, not 206", async () => {
      await download("bytes=0-3").set("If-None-Match", etag).expect(304);
    });

    it("If-Match naming another ETag is answered 412; naming this one (or *) gets the content", async () => {
      const refused = await download().set("If-Match", '"00"');
      expect(refused.status).to.equal(412);
      expect(JSON.parse(refused.body.toString("utf8")).code).to.equal("precondition_failed");
      for (const value of [etag, "*"]) {
        const res = await download().set("If-Match", value).expect(200);
        expect(Buffer.compare(res.body, content), value).to.equal(0);
      }
    });

    it("If-Modified-Since and If-Unmodified-Since are ignored, since stored content has no date", async () => {
      await download().set("If-Modified-Since", new Date().toUTCString()).expect(200);
      await download().set("If-Unmodified-Since", "Thu, 01 Jan 1970 00:00:00 GMT").expect(200);
    });
  });

  it("a large file streams whole, byte for byte, with its length", async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 17, "IMS Case ");
    const doc = await saveText(big, "stor.txt");
    const res = await request(svc.url).get(`/api/documents/${doc.id}/content`).auth(w.tokens.alice, bearer).buffer(true).parse(binary).expect(200);
    expect(res.headers["content-length"]).to.equal(String(big.length));
    expect(sha256(res.body)).to.equal(doc.currentVersion.sha256);
    const tail = await request(svc.url)
      .get(`/api/documents/${doc.id}/content`)
      .auth(w.tokens.alice, bearer)
      .set("Range", "bytes=2000000-")
      .buffer(true)
      .parse(binary)
      .expect(206);
    expect(Buffer.compare(tail.body, big.subarray(2000000))).to.equal(0);
  });

  it("content missing from the blob store is a server fault: 500 problem+json content_missing (disk)", async () => {
    const doc = await saveText(Buffer.from("forsvinder fra lageret\n"), "væk.txt");
    const sha = doc.currentVersion.sha256;
    fs.rmSync(path.join(svc.config.blobDir, sha.slice(0, 2), sha.slice(2, 4), sha));
    const res = await request(svc.url).get(`/api/documents/${doc.id}/content`).auth(w.tokens.alice, bearer);
    expect(res.status).to.equal(500);
    expect(res.type).to.equal("application/problem+json");
    expect(res.body.code).to.equal("content_missing");
    expect(res.headers["content-disposition"]).to.equal(undefined);
  });

  it("a name with æøå is served with filename= spelled out in ASCII (ae, oe, aa) and the exact name in filename*", async () => {
    const name = "Høringssvar æblegrød Århus.txt";
    const doc = await saveText(Buffer.from("høringssvar\n"), name);
    const res = await request(svc.url).get(`/api/documents/${doc.id}/content`).auth(w.tokens.alice, bearer).expect(200);
    expect(res.headers["content-disposition"]).to.equal(
      `attachment; filename="Hoeringssvar aeblegroed Aarhus.txt"; filename*=UTF-8''H%C3%B8ringssvar%20%C3%A6blegr%C3%B8d%20%C3%85rhus.txt`,
    );
    expect(parseContentDisposition(res.headers["content-disposition"]).parameters.filename).to.equal(name);
  });

  it("an ASCII name is served as filename= alone, and other letters fall back to _ rather than ?", async () => {
    const plain = await download().expect(200);
    expect(plain.headers["content-disposition"]).to.equal("attachment; filename=Referat.txt");
    const doc = await saveText(Buffer.from("отчёт\n"), "Отчёт 2026.txt");
    const res = await request(svc.url).get(`/api/documents/${doc.id}/content`).auth(w.tokens.alice, bearer).expect(200);
    expect(res.headers["content-disposition"]).to.match(/^attachment; filename="_____ 2026\.txt"; filename\*=UTF-8''/);
    expect(parseContentDisposition(res.headers["content-disposition"]).parameters.filename).to.equal("Отчёт 2026.txt");
  });
});

describe("reading a Range header", () => {
  it("gives one range within the content, clamped to its end", () => {
    expect(requestedRange("bytes=0-9", 100)).to.deep.equal({ start: 0, end: 9 });
    expect(requestedRange("bytes=90-200", 100)).to.deep.equal({ start: 90, end: 99 });
    expect(requestedRange("bytes=-10", 100)).to.deep.equal({ start: 90, end: 99 });
    expect(requestedRange("bytes=-1000", 100)).to.deep.equal({ start: 0, end: 99 });
    expect(requestedRange("bytes=99-", 100)).to.deep.equal({ start: 99, end: 99 });
  });

  it("finds nothing to serve in empty content", () => {
    for (const range of ["bytes=0-", "bytes=-5", "bytes=0-0"]) expect(requestedRange(range, 0), range).to.equal("unsatisfiable");
    expect(requestedRange(undefined, 0)).to.equal("whole");
  });

  it("sends the whole content when there is no header or it cannot be read", () => {
    for (const range of [undefined, "", "bytes", "bytes=a-b", "bytes=3-2", "bytes=1-2,4-5", "bytes=1-2-3", "bytes=+1-2"]) {
      expect(requestedRange(range, 100), String(range)).to.equal("whole");
    }
  });
});
