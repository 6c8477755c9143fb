import fs from "node:fs";
import path from "node:path";

// Every file a test reads lives in the repository, each with its origin and licence in a SOURCES.tsv:
// test/fixtures/, and the demo files in service/seed/files/ that the seed already ships (not copied twice).
const REPO = path.resolve(import.meta.dirname, "../..");
const FIXTURES = path.join(REPO, "test", "fixtures");
const CORPUS_DIRS = [path.join(FIXTURES, "corpus"), path.join(REPO, "service", "seed", "files")];

function inRepo(dir: string, name: string): string {
  const file = path.resolve(dir, name);
  if (path.relative(REPO, file).startsWith("..")) throw new Error(`${name} is outside the repository; tests read only files inside it`);
  return file;
}

/** The absolute path of a file under test/fixtures/, e.g. `fixture("schemas/appsscript.json")`. */
export function fixture(name: string): string {
  const file = inRepo(FIXTURES, name);
  if (!fs.existsSync(file)) throw new Error(`test/fixtures/${name} is missing (add it with its source to test/fixtures/SOURCES.tsv)`);
  return file;
}

/** The absolute path of a real mail or office file from the test corpus, e.g. `corpusFile("spreadsheet-basic.xlsx")`. */
export function corpusFile(name: string): string {
  const file = CORPUS_DIRS.map((dir) => inRepo(dir, name)).find((f) => fs.existsSync(f));
  if (!file) throw new Error(`${name} is in neither test/fixtures/corpus/ nor service/seed/files/`);
  return file;
}

/** The bytes of a corpus file. */
export const corpus = (name: string): Buffer => fs.readFileSync(corpusFile(name));

/** The names of every corpus file ending in `suffix` (e.g. ".eml": every real mail), sorted. */
export const corpusNames = (suffix: string): string[] =>
  [...new Set(CORPUS_DIRS.flatMap((dir) => fs.readdirSync(dir)).filter((n) => n.endsWith(suffix)))].sort();
