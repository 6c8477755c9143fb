import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "./child-service.ts";

const BIN = "/usr/lib/postgresql/15/bin";

export interface LocalPostgres {
  /** postgres://… of the server's `postgres` database, for creating others. */
  url: string;
  stop(): Promise<void>;
}

const asPostgres = (command: string, args: string[]) =>
  execFileSync("runuser", ["-u", "postgres", "--", path.join(BIN, command), ...args], { stdio: ["ignore", "pipe", "pipe"] });

/**
 * A throwaway PostgreSQL 15 (Debian's postgresql package): `initdb` and `pg_ctl` as the postgres user, its cluster in a temp
 * directory, listening on a spare loopback port only. fsync stays on: the tests' durability promises are the real ones.
 * With `keep`, the cluster is that directory's (made there the first time) and stays when the server stops: the bench keeps
 * its copy of the bench archive so.
 */
export async function startLocalPostgres({ keep }: { keep?: string } = {}): Promise<LocalPostgres> {
  if (!fs.existsSync(path.join(BIN, "initdb"))) throw new Error(`PostgreSQL 15 is not installed (no ${BIN}/initdb): apt-get install postgresql`);
  const directory = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), "ims-pg-"));
  fs.mkdirSync(directory, { recursive: true });
  fs.chmodSync(directory, 0o755);
  const cluster = path.join(directory, "cluster");
  if (!fs.existsSync(path.join(cluster, "PG_VERSION"))) {
    fs.rmSync(cluster, { recursive: true, force: true });
    fs.mkdirSync(cluster);
    fs.chownSync(cluster, uidOf("postgres"), gidOf("postgres"));
    asPostgres("initdb", ["-D", cluster, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"]);
  }
  // A kept cluster's server left running by a run that was stopped midway (its port is unknown now) is stopped first.
  if (keep && fs.existsSync(path.join(cluster, "postmaster.pid"))) {
    try {
      asPostgres("pg_ctl", ["-D", cluster, "-m", "fast", "-w", "stop"]);
    } catch {
      // not running after all: a stale pid file, which the start below replaces
    }
  }
  const port = await freePort();
  // A kept cluster's path may be too long for a socket's (107 bytes); the port names the socket.
  const options = `-p ${port} -k ${keep ? os.tmpdir() : cluster} -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=256MB`;
  asPostgres("pg_ctl", ["-D", cluster, "-o", options, "-l", path.join(cluster, "server.log"), "-w", "start"]);
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  return {
    url,
    async stop() {
      if (keep) return void asPostgres("pg_ctl", ["-D", cluster, "-m", "fast", "-w", "stop"]);
      asPostgres("pg_ctl", ["-D", cluster, "-m", "immediate", "-w", "stop"]);
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

const idOf = (flag: "-u" | "-g", user: string) => Number(execFileSync("id", [flag, user]).toString().trim());
const uidOf = (user: string) => idOf("-u", user);
const gidOf = (user: string) => idOf("-g", user);
