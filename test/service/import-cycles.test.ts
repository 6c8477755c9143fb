import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SOURCE = /\.(ts|tsx|mts)$/;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return ["node_modules", "dist"].includes(entry.name) || entry.name.startsWith(".") ? [] : sourceFiles(full);
    return SOURCE.test(entry.name) && !entry.name.endsWith(".d.ts") ? [full] : [];
  });
}

/** The file a relative specifier names (`./x.ts`, `./x.js` for x.ts, `./dir` for its index), or null for packages. */
function resolve(from: string, specifier: string): string | null {
  if (!specifier.startsWith(".")) return null;
  const base = path.resolve(path.dirname(from), specifier);
  const candidates = [base, base.replace(/\.js$/, ".ts"), base.replace(/\.js$/, ".tsx"), `${base}.ts`, `${base}.tsx`, path.join(base, "index.ts")];
  return candidates.find((file) => SOURCE.test(file) && fs.existsSync(file) && fs.statSync(file).isFile()) ?? null;
}

interface Edge {
  to: string;
  /** Only types cross it (`import type`, or every named import `type …`): it is gone at run time. */
  typeOnly: boolean;
}

/** Every relative import and re-export of a file, read with the TypeScript compiler's parser. */
function importsOf(file: string): Edge[] {
  const source = ts.createSourceFile(
    file,
    fs.readFileSync(file, "utf8"),
    ts.ScriptTarget.Latest,
    false,
    file.endsWith("x") ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const edges: Edge[] = [];
  const add = (specifier: ts.Expression | undefined, typeOnly: boolean) => {
    const to = specifier && ts.isStringLiteral(specifier) ? resolve(file, specifier.text) : null;
    if (to) edges.push({ to, typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && !!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier, typeOnly);
    } else if (ts.isExportDeclaration(node)) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
      add(node.moduleSpecifier, node.isTypeOnly || (!!named && named.length > 0 && named.every((e) => e.isTypeOnly)));
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node.arguments[0], false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/** The import cycles among `files`: one path per strongly connected group of files (Tarjan), as repository paths. */
function importCycles(files: string[], { runtimeOnly }: { runtimeOnly: boolean }): string[][] {
  const inside = new Set(files);
  const graph = new Map(
    files.map((f) => [
      f,
      [
        ...new Set(
          importsOf(f)
            .filter((e) => inside.has(e.to) && !(runtimeOnly && e.typeOnly))
            .map((e) => e.to),
        ),
      ],
    ]),
  );
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  let next = 0;
  const connect = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)!) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1 || graph.get(v)!.includes(v)) groups.push(group);
  };
  for (const f of files) if (!index.has(f)) connect(f);
  return groups.map((group) => cycleThrough(group, graph).map((f) => path.relative(root, f)));
}

/** One cycle inside a strongly connected group, from its first file back to it (breadth first: the shortest). */
function cycleThrough(group: string[], graph: Map<string, string[]>): string[] {
  const members = new Set(group);
  const start = [...group].sort()[0];
  const cameFrom = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of graph.get(v)!) {
      if (!members.has(w)) continue;
      if (w === start) {
        const cycle = [v];
        while (cycle[0] !== start) cycle.unshift(cameFrom.get(cycle[0])!);
        return [...cycle, start];
      }
      if (!cameFrom.has(w)) {
        cameFrom.set(w, v);
        queue.push(w);
      }
    }
  }
  return group;
}

const printed = (cycles: string[][]) => cycles.map((c) => c.join(" → ")).join("\n");

describe("import cycles", () => {
  const service = sourceFiles(path.join(root, "service"));
  // Every tree of the repository, the coming web view included: an import may cross from one to another.
  const repository = ["service", "shared", "addins", "gmail-addon", "web", "test"]
    .filter((tree) => fs.existsSync(path.join(root, tree)))
    .flatMap((tree) => sourceFiles(path.join(root, tree)));

  it("finds a cycle when there is one (the checker itself can fail)", () => {
    const dir = fs.mkdtempSync(path.join(root, "test", ".import-cycle-"));
    try {
      fs.writeFileSync(path.join(dir, "a.ts"), 'import { b } from "./b.ts";\nexport const a = () => b;\n');
      fs.writeFileSync(path.join(dir, "b.ts"), 'import type { C } from "./c.ts";\nexport const b = 1 as unknown as C;\n');
      fs.writeFileSync(path.join(dir, "c.ts"), 'import { a } from "./a.ts";\nexport type C = ReturnType<typeof a>;\n');
      const files = sourceFiles(dir);
      expect(printed(importCycles(files, { runtimeOnly: false }))).to.match(/a\.ts → .*b\.ts → .*c\.ts → .*a\.ts/);
      expect(importCycles(files, { runtimeOnly: true })).to.deep.equal([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("no module of the service imports itself back at run time", () => {
    expect(printed(importCycles(service, { runtimeOnly: true }))).to.equal("");
  });

  it("no module of the service imports itself back, not even through types", () => {
    expect(printed(importCycles(service, { runtimeOnly: false }))).to.equal("");
  });

  it("no module anywhere in the repository (shared, add-ins, Gmail add-on, tests) is part of an import cycle", () => {
    expect(repository.length).to.be.greaterThan(service.length);
    expect(printed(importCycles(repository, { runtimeOnly: false }))).to.equal("");
  });
});
