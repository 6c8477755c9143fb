import fs from "node:fs";
import http from "node:http";
import { MB, prepareDataDir, sampleRss, startChildService } from "../support/child-service.ts";
import { ADMIN_TOKEN } from "../support/service.ts";
import { insertManyCases } from "./many-cases.ts";

// The CSV export of an advanced search over a large archive, measured in the service's own process: how long
// every row takes to arrive and how far the service's memory grows while it streams them (read a page at a
// time, written as the client takes them). Once at full speed, once through a client that reads slowly.

export interface SearchCsvFigures {
  rows: number;
  bytes: number;
  seconds: number;
  /** The slow client's time: reading 64 KiB every 50 ms (about 1.3 MB/s). */
  slowSeconds: number;
  baselineMb: number;
  peakMb: number;
  slowPeakMb: number;
}

/** Reads the export, stopping `pause` ms after each 64 KiB; counts its rows (CRLF) and bytes. */
function readExport(url: string, token: string, pause = 0): Promise<{ status: number; bytes: number; lines: number }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { Authorization: `Bearer ${token}` } }, (res) => {
      let bytes = 0;
      let lines = 0;
      let sincePause = 0;
      res.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
        sincePause += chunk.length;
        for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++;
        if (pause && sincePause >= 64 * 1024) {
          sincePause = 0;
          res.pause();
          setTimeout(() => res.resume(), pause);
        }
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, bytes, lines }));
      res.on("error", reject);
    });
    req.on("error", reject);
  });
}

/** Every one of `count` cases exported as CSV by an administrator; the RSS figures are the service's, in MB. */
export async function measureSearchCsv(count = 100_000): Promise<SearchCsvFigures> {
  const { dataDir } = await prepareDataDir(async (opened, world) => {
    await insertManyCases(opened.db, world, count);
    // The export reads no full-text index; left stale, the indexer's catch-up at start would be measured too.
    await opened.db.deleteFrom("search_dirty").execute();
  });
  const svc = await startChildService(dataDir);
  try {
    const url = `${svc.url}/api/search/advanced.csv?target=cases&columns=number,title,status,owner,responsible,template,startDate,changedAt&sort=title`;
    // Warm-up: the code paths and the page cache, so the baseline is the service at work, not at rest.
    await readExport(`${svc.url}/api/search/advanced.csv?target=cases&where=status:eq:closed`, ADMIN_TOKEN);
    const baseline = svc.rss();
    const rss = sampleRss(svc.pid);
    const started = performance.now();
    const fast = await readExport(url, ADMIN_TOKEN);
    const seconds = (performance.now() - started) / 1000;
    const { peak } = rss.stop();
    if (fast.status !== 200 || fast.lines !== count + 1) throw new Error(`export: ${fast.status}, ${fast.lines} lines for ${count} cases`);

    const slowRss = sampleRss(svc.pid);
    const slowStarted = performance.now();
    const slow = await readExport(url, ADMIN_TOKEN, 50);
    const slowSeconds = (performance.now() - slowStarted) / 1000;
    const slowPeak = slowRss.stop().peak;
    if (slow.lines !== count + 1) throw new Error(`slow export: ${slow.lines} lines for ${count} cases`);
    return {
      rows: count,
      bytes: fast.bytes,
      seconds,
      slowSeconds,
      baselineMb: baseline / MB,
      peakMb: peak / MB,
      slowPeakMb: slowPeak / MB,
    };
  } finally {
    await svc.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
