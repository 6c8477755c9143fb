import { expect } from "chai";
import { caseLabel, messageIdsIn, normaliseMessageId, titleFromFileName } from "../../shared/flow/naming.ts";
import { defaultRetry, withRetry, type RetryPolicy } from "../../shared/api/retry.ts";
import { withRetry as withRetryFromResumable } from "../../shared/api/resumable.ts";
import { ApiError } from "../../shared/api/client.ts";
import { NetworkError } from "../../shared/api/transport.ts";

describe("names every client and the service share", () => {
  it("a case is named by its number and title, as in a list of cases", () => {
    expect(caseLabel({ number: "20200108-1459092", title: "Kurt Jensen" })).to.equal("20200108-1459092 Kurt Jensen");
  });

  describe("a document's title from its file name", () => {
    it("drops the extension", () => {
      expect(titleFromFileName("Budget 2026.xlsx")).to.equal("Budget 2026");
      expect(titleFromFileName("Referat.bestyrelse.docx")).to.equal("Referat.bestyrelse");
    });

    it("keeps a name whose last part is too long to be an extension", () => {
      expect(titleFromFileName("Notat.om-skolens-økonomi")).to.equal("Notat.om-skolens-økonomi");
    });

    it("a name that is only an extension keeps the name, or takes the fallback it is given", () => {
      expect(titleFromFileName(".pdf")).to.equal(".pdf");
      expect(titleFromFileName(".docx", "Dokument")).to.equal("Dokument");
      expect(titleFromFileName("", "Dokument")).to.equal("Dokument");
    });
  });

  describe("Message-IDs", () => {
    it("finds each id in angle brackets once, in a header value or a list of them", () => {
      expect(messageIdsIn("<a@x.dk> <b@x.dk>\r\n <a@x.dk>")).to.deep.equal(["<a@x.dk>", "<b@x.dk>"]);
      expect(messageIdsIn(["<a@x.dk>", "<c@x.dk>"])).to.deep.equal(["<a@x.dk>", "<c@x.dk>"]);
    });

    it("gives a lone bare id its brackets, and finds nothing in nothing", () => {
      expect(messageIdsIn("a@x.dk")).to.deep.equal(["<a@x.dk>"]);
      expect(messageIdsIn("two words")).to.deep.equal([]);
      expect(messageIdsIn(undefined)).to.deep.equal([]);
      expect(messageIdsIn(42)).to.deep.equal([]);
    });

    it("normalises one id to its bracketed form, or null", () => {
      expect(normaliseMessageId("a@x.dk")).to.equal("<a@x.dk>");
      expect(normaliseMessageId("<a@x.dk>")).to.equal("<a@x.dk>");
      expect(normaliseMessageId("")).to.equal(null);
      expect(normaliseMessageId(null)).to.equal(null);
    });
  });
});

describe("retrying a call to the service", () => {
  const noWait: RetryPolicy = { attempts: 3, delayMs: () => 0, sleep: async () => undefined };

  it("tries again after no answer or a retryable answer, then returns what the call gives", async () => {
    const failures: unknown[] = [new NetworkError("offline"), new ApiError(503, "unavailable", "Try later", null)];
    const retried: number[] = [];
    const result = await withRetry(
      async (attempt) => {
        if (failures.length) throw failures.shift();
        return `done on attempt ${attempt}`;
      },
      noWait,
      (attempt) => retried.push(attempt),
    );
    expect(result).to.equal("done on attempt 3");
    expect(retried).to.deep.equal([1, 2]);
  });

  it("does not retry a refusal, and gives up after the policy's attempts", async () => {
    let calls = 0;
    const refusal = new ApiError(409, "case_closed", "Closed", null);
    const refused = await withRetry(async () => {
      calls++;
      throw refusal;
    }, noWait).catch((e: unknown) => e);
    expect(refused).to.equal(refusal);
    expect(calls).to.equal(1);

    calls = 0;
    const offline = await withRetry(async () => {
      calls++;
      throw new NetworkError("offline");
    }, noWait).catch((e: unknown) => e);
    expect(offline).to.be.instanceOf(NetworkError);
    expect(calls).to.equal(3);
  });

  it("is the same function where uploads import it, with the default policy backing off up to 8 s", () => {
    expect(withRetryFromResumable).to.equal(withRetry);
    expect([1, 2, 3, 4, 5].map(defaultRetry.delayMs)).to.deep.equal([500, 1000, 2000, 4000, 8000]);
  });
});
