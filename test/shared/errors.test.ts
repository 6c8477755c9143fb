import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { ApiError, CLIENT_PROBLEM_MESSAGES, messageFor, PROBLEM_MESSAGES, problemMessageKey } from "../../shared/api/errors.ts";
import { NetworkError } from "../../shared/api/transport.ts";
import { translator, type MessageKey } from "../../shared/i18n/index.ts";
import { da, en } from "../../shared/i18n/messages.ts";

const SERVICE = path.resolve(import.meta.dirname, "../../service");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return p.endsWith(".ts") ? [p] : [];
  });
}

interface CodeScan {
  /** Every code the service can answer, with one place that answers it. */
  codes: Map<string, string>;
  /** Places whose code this scan cannot read (neither a literal, a choice of literals, a parameter passed on, nor a table row). */
  unreadable: string[];
}

const nameOf = (fn: ts.Node): string | undefined => {
  if ((ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn)) && fn.name) return fn.name.getText();
  if (ts.isConstructorDeclaration(fn) && ts.isClassLike(fn.parent)) return fn.parent.name?.text;
  if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && ts.isVariableDeclaration(fn.parent)) return fn.parent.name.getText();
  return undefined;
};

/**
 * Reads the problem codes out of service/: the code argument of `new Problem(status, code, …)` (and of
 * `super(…)` in its subclasses) and of every function that passes a parameter on as that argument
 * (badRequest, unprocessable, …), found until no new one turns up. A code taken from a table row
 * (`known[2]` in the tus mapping) is read from the tables of rows in that file.
 */
function scanProblemCodes(): CodeScan {
  const files = sourceFiles(SERVICE).map((f) => ts.createSourceFile(f, fs.readFileSync(f, "utf8"), ts.ScriptTarget.ES2022, true));
  const forwarders = new Map<string, number>([["Problem", 1]]);
  const problemClasses = new Set(["Problem"]);
  for (;;) {
    const codes = new Map<string, string>();
    const unreadable: string[] = [];
    let grew = false;
    for (const sf of files) {
      const where = (n: ts.Node) => `service/${path.relative(SERVICE, sf.fileName)}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
      const rowsAt = (index: number) => {
        const found: string[] = [];
        const visit = (n: ts.Node) => {
          if (ts.isArrayLiteralExpression(n) && n.elements.length && n.elements.every(ts.isArrayLiteralExpression)) {
            for (const row of n.elements as ts.NodeArray<ts.ArrayLiteralExpression>) {
              const cell = row.elements[index];
              if (cell && ts.isStringLiteralLike(cell)) found.push(cell.text);
            }
          }
          ts.forEachChild(n, visit);
        };
        visit(sf);
        return found;
      };
      const read = (arg: ts.Expression, site: ts.Node): void => {
        if (ts.isStringLiteralLike(arg)) return void codes.set(arg.text, where(site));
        if (ts.isParenthesizedExpression(arg)) return read(arg.expression, site);
        if (ts.isConditionalExpression(arg)) return (read(arg.whenTrue, site), read(arg.whenFalse, site));
        if (ts.isElementAccessExpression(arg) && ts.isNumericLiteral(arg.argumentExpression)) {
          const cells = rowsAt(Number(arg.argumentExpression.text));
          if (cells.length) return cells.forEach((c) => codes.set(c, where(site)));
        }
        if (ts.isIdentifier(arg)) {
          let fn: ts.Node | undefined = site.parent;
          while (fn && !ts.isFunctionLike(fn)) fn = fn.parent;
          const index = fn && ts.isFunctionLike(fn) ? fn.parameters.findIndex((p) => p.name.getText() === arg.text) : -1;
          const name = fn && nameOf(fn);
          if (index >= 0 && name) {
            if (forwarders.get(name) !== index) grew = true;
            forwarders.set(name, index);
            return;
          }
        }
        unreadable.push(`${where(site)}: ${arg.getText()}`);
      };
      const visit = (n: ts.Node) => {
        if (ts.isClassDeclaration(n) && n.name) {
          const base = n.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression.getText();
          if (base && problemClasses.has(base) && !problemClasses.has(n.name.text)) {
            problemClasses.add(n.name.text);
            grew = true;
          }
        }
        if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.SuperKeyword) {
          let cls: ts.Node | undefined = n.parent;
          while (cls && !ts.isClassLike(cls)) cls = cls.parent;
          const base =
            cls && ts.isClassLike(cls) ? cls.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression.getText() : undefined;
          const index = base === undefined ? undefined : forwarders.get(base);
          if (base && problemClasses.has(base) && index !== undefined && n.arguments[index]) read(n.arguments[index], n);
        }
        if ((ts.isCallExpression(n) || ts.isNewExpression(n)) && ts.isIdentifier(n.expression) && forwarders.has(n.expression.text)) {
          const arg = n.arguments?.[forwarders.get(n.expression.text)!];
          if (arg) read(arg, n);
        }
        ts.forEachChild(n, visit);
      };
      visit(sf);
    }
    if (!grew) return { codes, unreadable };
  }
}

const keysOf = (entry: MessageKey | Record<string | number, MessageKey>): MessageKey[] => (typeof entry === "string" ? [entry] : Object.values(entry));

describe("what a person is told when the service refuses", () => {
  const scan = scanProblemCodes();
  const table = PROBLEM_MESSAGES as Record<string, MessageKey | Record<string | number, MessageKey>>;

  it("the scan reads the codes out of the service: literals, choices, helpers, subclasses, multi-line calls and the tus mapping", () => {
    expect(scan.unreadable, "codes this test cannot read; pass a string literal, or teach the scan").to.deep.equal([]);
    for (const code of [
      "case_closed",
      "case_active",
      "document_type_not_allowed",
      "precondition_failed",
      "not_found",
      "forbidden",
      "upload_claimed",
      "upload_busy",
      "tus_resumable_required",
      "too_many_requests",
      "unknown_part",
    ]) {
      expect(scan.codes.has(code), code).to.equal(true);
    }
    expect(scan.codes.size).to.be.greaterThan(80);
  });

  it("every code the service can answer has a message in Danish and in English", () => {
    const missing = [...scan.codes].filter(([code]) => !Object.prototype.hasOwnProperty.call(table, code)).map(([code, where]) => `${code} (${where})`);
    expect(missing, "codes without a message in shared/api/errors.ts").to.deep.equal([]);
    for (const [code] of scan.codes) {
      for (const key of keysOf(table[code])) {
        expect(da[key], `${code} → ${key} in Danish`).to.be.a("string").and.not.equal("");
        expect(en[key], `${code} → ${key} in English`).to.be.a("string").and.not.equal("");
        expect(da[key], `${code} → ${key} is translated`).to.not.equal(en[key]);
        // messageFor hands these texts no parameters: a placeholder would be shown as it stands.
        expect(`${da[key]} ${en[key]}`, `${code} → ${key} has no placeholder`).to.not.match(/\{\w+\}/);
      }
    }
  });

  it("the table names no code the service no longer answers", () => {
    expect(Object.keys(table).filter((code) => !scan.codes.has(code))).to.deep.equal([]);
    for (const key of Object.values(CLIENT_PROBLEM_MESSAGES)) expect(da[key]).to.be.a("string");
  });

  it("a closed case is put into words that say what to do, with the service's sentence as the detail", () => {
    const err = new ApiError(409, "case_closed", "Case 2024-17 is closed; reopen it before filing documents in it.", null);
    const message = messageFor(err);
    expect(message).to.deep.equal({ key: "problem.case_closed", detail: "Case 2024-17 is closed; reopen it before filing documents in it." });
    expect(translator("da")(message.key)).to.equal("Sagen er lukket. Genåbn den, før du gemmer i den eller ændrer den.");
    expect(translator("en")(message.key)).to.equal("The case is closed. Reopen it before saving to it or changing it.");
  });

  it("unknown_user means 'you' when signing in (401) and 'the user you named' otherwise (422)", () => {
    expect(problemMessageKey("unknown_user", 401)).to.equal("problem.unknown_user.self");
    expect(problemMessageKey("unknown_user", 422)).to.equal("problem.unknown_user");
  });

  it("a code no table names is put into words by its status, and a code named like an object property is no exception", () => {
    expect(messageFor(new ApiError(409, "some_new_conflict", "x", null)).key).to.equal("error.conflict");
    expect(messageFor(new ApiError(422, "some_new_rule", "x", null)).key).to.equal("error.invalid");
    expect(messageFor(new ApiError(502, "http_502", "<html>Bad gateway</html>", null))).to.deep.equal({
      key: "error.server",
      detail: "<html>Bad gateway</html>",
    });
    expect(messageFor(new ApiError(418, "constructor", "x", null)).key).to.equal("error.badRequest");
    expect(messageFor(new ApiError(429, "drive_rate_limited", "x", null)).key).to.equal("error.tooManyRequests");
    expect(new ApiError(412, "precondition_failed", "x", null).messageKey).to.equal("error.stale");
  });

  it("no answer at all is a network problem; anything else is the add-in's own, its words kept as the detail", () => {
    expect(messageFor(new NetworkError("connect ECONNREFUSED 127.0.0.1:9"))).to.deep.equal({
      key: "error.network",
      detail: "connect ECONNREFUSED 127.0.0.1:9",
    });
    expect(messageFor(new TypeError("x is undefined"))).to.deep.equal({ key: "error.unexpected", detail: "x is undefined" });
  });
});
