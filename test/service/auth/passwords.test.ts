import * as argon2 from "@node-rs/argon2";
import { expect } from "chai";
import { hashPassword, needsRehash, passwordProblem, verifyAgainstNothing, verifyPassword } from "../../../service/features/auth/passwords.ts";

const ARGON2ID: argon2.Algorithm.Argon2id = 2;
const ARGON2I: argon2.Algorithm.Argon2i = 1;
/** A hash as an older release of the service might have stored it. */
const hashWith = (password: string, options: argon2.Options) => argon2.hash(password, { algorithm: ARGON2ID, parallelism: 1, ...options });

// "å" and "é" have a composed form (Windows) and a decomposed one (macOS); "æ" and "ø" have only one.
const COMPOSED = "Blåbærgrød på café Ærø".normalize("NFC");
const DECOMPOSED = COMPOSED.normalize("NFD");

describe("passwords for the web view", () => {
  describe("hashing and verifying", () => {
    it("a hashed password verifies, with argon2id at OWASP's minimum parameters in the PHC string", async () => {
      const hash = await hashPassword("correct horse battery staple");
      expect(hash).to.match(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
      expect(await verifyPassword(hash, "correct horse battery staple")).to.equal(true);
    });

    it("a wrong password does not verify, not even one differing only in case", async () => {
      const hash = await hashPassword("correct horse battery staple");
      expect(await verifyPassword(hash, "correct horse battery stapler")).to.equal(false);
      expect(await verifyPassword(hash, "Correct horse battery staple")).to.equal(false);
      expect(await verifyPassword(hash, "")).to.equal(false);
    });

    it("the same password hashed twice gives two different strings (each has its own salt), and both verify", async () => {
      const [one, two] = [await hashPassword("correct horse battery staple"), await hashPassword("correct horse battery staple")];
      expect(one).to.not.equal(two);
      expect(await verifyPassword(two, "correct horse battery staple")).to.equal(true);
    });

    it("a hash string that is garbage answers false instead of throwing", async () => {
      const real = await hashPassword("correct horse battery staple");
      const garbage = ["", "garbage", "$argon2id$", "$argon2id$v=19$m=19456,t=2,p=1$abc$def", real.slice(0, -10), real + "$extra", "x".repeat(100_000)];
      for (const hash of garbage) expect(await verifyPassword(hash, "correct horse battery staple"), JSON.stringify(hash.slice(0, 60))).to.equal(false);
    });

    it("a planted hash asking for a gigabyte of memory per attempt is refused", async () => {
      const planted = "$argon2id$v=19$m=1048576,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$" + "A".repeat(43);
      expect(await verifyPassword(planted, "correct horse battery staple")).to.equal(false);
    });

    it("a password typed composed on Windows verifies against its hash made from the decomposed text a Mac types, and back", async () => {
      expect(DECOMPOSED).to.not.equal(COMPOSED);
      expect(await verifyPassword(await hashPassword(DECOMPOSED), COMPOSED)).to.equal(true);
      expect(await verifyPassword(await hashPassword(COMPOSED), DECOMPOSED)).to.equal(true);
    });

    it("a password of emoji and Danish letters round-trips", async () => {
      const password = "🔑🏠 nøglen ligger under måtten";
      expect(await verifyPassword(await hashPassword(password), password)).to.equal(true);
      expect(await verifyPassword(await hashPassword(password), "🔑 nøglen ligger under måtten")).to.equal(false);
    });

    it("an unknown e-mail address is answered false, whatever password was typed", async () => {
      expect(await verifyAgainstNothing("correct horse battery staple")).to.equal(false);
      expect(await verifyAgainstNothing("")).to.equal(false);
      expect(await verifyAgainstNothing(DECOMPOSED)).to.equal(false);
    });
  });

  describe("needsRehash", () => {
    it("a hash made today needs no re-hash", async () => {
      expect(needsRehash(await hashPassword("correct horse battery staple"))).to.equal(false);
    });

    it("a hash made with less memory or fewer passes needs a re-hash", async () => {
      expect(needsRehash(await hashWith("pw", { memoryCost: 4096, timeCost: 3 }))).to.equal(true);
      expect(needsRehash(await hashWith("pw", { memoryCost: 19456, timeCost: 1 }))).to.equal(true);
    });

    it("a hash made with argon2i, or argon2 before version 0x13, needs a re-hash", async () => {
      expect(needsRehash(await hashWith("pw", { algorithm: ARGON2I, memoryCost: 19456, timeCost: 2 }))).to.equal(true);
      expect(needsRehash("$argon2id$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$" + "A".repeat(43))).to.equal(true);
    });

    it("a hash made with stronger parameters than today's is left as it is", async () => {
      expect(needsRehash(await hashWith("pw", { memoryCost: 32768, timeCost: 3 }))).to.equal(false);
    });

    it("a string that is no argon2 hash needs one", () => {
      expect(needsRehash("")).to.equal(true);
      expect(needsRehash("$2b$12$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZa")).to.equal(true);
    });
  });

  describe("passwordProblem (NIST SP 800-63B)", () => {
    const email = "Mette.Hansen@Kommune.dk";

    it("11 characters are too short, 12 are enough", () => {
      expect(passwordProblem("hestestalde", email)).to.equal("too_short");
      expect(passwordProblem("hestestalden", email)).to.equal(null);
    });

    it("an emoji counts as one character, though it takes two UTF-16 units", () => {
      expect(passwordProblem("😀".repeat(11), email)).to.equal("too_short");
      expect(passwordProblem("😀".repeat(12), email)).to.equal(null);
    });

    it("length is counted after NFC, so a decomposed é counts once", () => {
      expect(passwordProblem("e\u0301".repeat(11), email)).to.equal("too_short");
      expect(passwordProblem("e\u0301".repeat(12), email)).to.equal(null);
    });

    it("256 characters are accepted, 257 are too long, also when they are emoji", () => {
      expect(passwordProblem("a".repeat(256), email)).to.equal(null);
      expect(passwordProblem("a".repeat(257), email)).to.equal("too_long");
      expect(passwordProblem("😀".repeat(256), email)).to.equal(null);
      expect(passwordProblem("😀".repeat(257), email)).to.equal("too_long");
      expect(passwordProblem("a".repeat(1_000_000), email)).to.equal("too_long");
    });

    it("a commonly used password is refused whatever its case, Danish ones too, even when it is also too short", () => {
      for (const common of ["sommer2024", "kodeord123", "password", "12345678", "Password1234", "123456789012", "Velkommen123", "KØBENHAVN"])
        expect(passwordProblem(common, email), common).to.equal("too_common");
    });

    it("the e-mail address or its local part is refused, whatever its case", () => {
      expect(passwordProblem("mette.hansen@kommune.dk", email)).to.equal("same_as_email");
      expect(passwordProblem("METTE.HANSEN", email)).to.equal("same_as_email");
      expect(passwordProblem("mette.hansen", "  mette.hansen@kommune.dk ")).to.equal("same_as_email");
      expect(passwordProblem("mette.hansen2", email)).to.equal(null);
    });

    it("no composition rules: a long passphrase of lower-case words passes, and an empty e-mail address matches nothing", () => {
      expect(passwordProblem("correct horse battery staple", email)).to.equal(null);
      expect(passwordProblem("correct horse battery staple", "")).to.equal(null);
      expect(passwordProblem("", "")).to.equal("too_short");
    });
  });
});
