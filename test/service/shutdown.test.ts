import { expect } from "chai";
import { createHash } from "node:crypto";
import fs from "node:fs";
import { createCase, MB, prepareDataDir, startChildService, type ChildService } from "../support/child-service.ts";
import { downloadSha256, GeneratedContent, hashing, saveMultipart, send } from "../support/payload.ts";
import type { World } from "../support/world.ts";

/** Content that trickles in over about two seconds, like an upload from a slow connection. */
async function* slowly(chunks: AsyncIterable<Buffer>, started: () => void): AsyncGenerator<Buffer> {
  let first = true;
  for await (const c of chunks) {
    yield c;
    if (first) started();
    first = false;
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("graceful shutdown on SIGTERM", function () {
  this.timeout(120_000);
  let dataDir: string;
  let world: World;
  let svc: ChildService | undefined;

  before(async () => {
    ({ dataDir, world } = await prepareDataDir());
  });
  after(async () => {
    await svc?.kill();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("an upload in progress when SIGTERM arrives is finished and kept; then the service exits", async () => {
    svc = await startChildService(dataDir);
    const caseId = await createCase(svc, world.tokens.alice, world.templates.pupil, "Elev 3", { elevnummer: "E-3" });
    const content = new GeneratedContent(20 * MB, "shutdown");
    const hash = createHash("sha256");
    let stopping: Promise<void> | undefined;
    const running = svc;
    const reply = saveMultipart(
      svc.url,
      { documentTypeId: world.types.pupil, caseId },
      slowly(hashing(content.chunks(), hash), () => {
        stopping = running.stop();
      }),
      content.size,
      { token: world.tokens.alice, filename: "Optagelsesdokument.pdf" },
    );
    const saved = await reply;
    expect(saved.status, saved.body.toString()).to.equal(201);
    expect(saved.json().currentVersion.sha256).to.equal(hash.digest("hex"));
    expect(stopping, "SIGTERM was sent while the upload ran").to.not.equal(undefined);
    await stopping;
    // Gone: nothing answers any more.
    expect(await send(`${svc.url}/api/health`).catch(() => "refused")).to.equal("refused");

    svc = await startChildService(dataDir);
    const again = await downloadSha256(svc.url, world.tokens.alice, saved.json().id);
    expect(again).to.deep.include({ status: 200, sha256: saved.json().currentVersion.sha256, size: content.size });
    await svc.stop();
    svc = undefined;
  });
});
