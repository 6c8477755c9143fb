import { randomBytes } from "node:crypto";
import * as argon2 from "@node-rs/argon2";

// The library's Algorithm is a const enum, which isolated modules cannot read at run time; its type pins the value.
const ARGON2ID: argon2.Algorithm.Argon2id = 2;

/**
 * OWASP's Password Storage Cheat Sheet lists argon2id at m=19 MiB, t=2, p=1 as the minimum that resists GPU
 * cracking; going further costs every sign-in memory and time on a 2-core server that also serves uploads.
 * Raise these with the hardware, and `needsRehash` moves stored hashes along as people sign in.
 */
const CURRENT = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 } satisfies argon2.Options;
// argon2 version 0x13, the one the library writes as v=19.
const CURRENT_VERSION = 19;

// A stored hash is ours, but a corrupted or planted row must not make one sign-in allocate gigabytes or spin for seconds.
const MAX_MEMORY_KIB = 262144;
const MAX_PASSES = 16;
// Far longer than any PHC string with the parameters above.
const MAX_HASH_LENGTH = 512;

/** The parameters a PHC string was made with, as far as they decide its strength. */
interface HashParameters {
  algorithm: string;
  version: number;
  memoryKiB: number;
  passes: number;
}

// `$argon2id$v=19$m=19456,t=2,p=1$salt$digest`; hashes from before version 0x13 carry no `v=`.
const PHC_STRING = /^\$(argon2id|argon2i|argon2d)\$(?:v=(\d{1,3})\$)?m=(\d{1,10}),t=(\d{1,10}),p=(\d{1,3})\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

/** The parameters of an argon2 PHC string, or null when it is not one. */
function hashParameters(phc: string): HashParameters | null {
  if (phc.length > MAX_HASH_LENGTH) return null;
  const match = PHC_STRING.exec(phc);
  if (!match) return null;
  return { algorithm: match[1], version: match[2] ? Number(match[2]) : 16, memoryKiB: Number(match[3]), passes: Number(match[4]) };
}

/** The same text typed on a Mac (decomposed "ø") and on Windows (composed) must be the same password. */
const normalised = (password: string) => password.normalize("NFC");

/** argon2id with OWASP's minimum parameters (see CURRENT); returns the PHC string, which carries salt and parameters. */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(normalised(password), CURRENT);
}

/** True when `password` matches `hash`; false for a wrong password or a malformed hash (never throws on bad input). */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  const parameters = hashParameters(hash);
  if (!parameters || parameters.memoryKiB > MAX_MEMORY_KIB || parameters.passes > MAX_PASSES) return false;
  try {
    return await argon2.verify(hash, normalised(password));
  } catch {
    return false;
  }
}

// Made on first use with today's parameters, so verifying against it costs what verifying a real hash costs.
let decoy: Promise<string> | undefined;

/**
 * For an unknown e-mail address: spends the same time as verifying a real hash, so the answer's timing does
 * not tell whether the account exists. Always false.
 */
export async function verifyAgainstNothing(password: string): Promise<false> {
  decoy ??= argon2.hash(randomBytes(32).toString("base64url"), CURRENT);
  try {
    await argon2.verify(await decoy, normalised(password));
  } catch {
    // Nothing to tell: the answer is false either way.
  }
  return false;
}

/** Whether a stored hash was made with weaker parameters than hashPassword uses now (re-hash at the next sign-in). */
export function needsRehash(hash: string): boolean {
  const parameters = hashParameters(hash);
  if (!parameters) return true;
  return (
    parameters.algorithm !== "argon2id" ||
    parameters.version !== CURRENT_VERSION ||
    parameters.memoryKiB < CURRENT.memoryCost ||
    parameters.passes < CURRENT.timeCost
  );
}

export type PasswordProblem = "too_short" | "too_long" | "too_common" | "same_as_email";

// 12 is above NIST SP 800-63B's floor of 8 (with a second factor; revision 4 asks 15 of a password used alone). The
// maximum is generous so passphrases fit (NIST asks at least 64) and bounds the work per attempt.
const MIN_CODE_POINTS = 12;
const MAX_CODE_POINTS = 256;
// NFC composes at most four code points into one, and a code point takes at most two UTF-16 units: a longer text stays too long.
const MAX_UNNORMALISED_LENGTH = 16 * MAX_CODE_POINTS;

/**
 * Among the ~100 passwords people choose most (worldwide and in Denmark), lower case. Those shorter than the
 * minimum are here too, so that "password" is refused as common rather than as short: told "too short", people
 * add digits and pick "password1234", which is here as well.
 */
const COMMON_PASSWORDS = new Set(
  `
  123456 123456789 12345678 12345 1234567 1234567890 111111 000000 123123 654321 666666 121212 112233 123321 987654321
  1q2w3e4r 1qaz2wsx qwerty qwerty123 qwertyuiop asdfgh zxcvbnm azerty abc123 password password1 password123 passw0rd p@ssw0rd
  admin admin123 welcome letmein iloveyou monkey dragon sunshine princess football baseball superman batman master shadow
  trustno1 starwars whatever freedom michael charlie
  password1234 password123! password12345 passwordpassword qwerty123456 qwertyuiop123 123456789012 1234567890123 1q2w3e4r5t6y
  1qaz2wsx3edc 123qweasdzxc 111111111111 000000000000 abcdefghijkl iloveyou1234 welcome12345 administrator
  kodeord kodeord1 kodeord123 kodeord1234 kodeord12345 adgangskode adgangskode1 adgangskode123 velkommen velkommen1
  velkommen123 velkommen1234 hemmelig hemmelig123 danmark danmark123 danmark12345 københavn kobenhavn fodbold fodbold123
  hejmeddig hejmeddig123 jegelskerdig elskerdig kærlighed sommerhus sommerfugl
  sommer2023 sommer2024 sommer2025 sommer2026 vinter2023 vinter2024 vinter2025 vinter2026 foraar2025 efteraar2025
  `
    .trim()
    .split(/\s+/),
);

/** The address and its local part, as a person might reuse them for a password. */
function emailForms(email: string): string[] {
  const address = normalised(email.trim()).toLowerCase();
  const at = address.lastIndexOf("@");
  const forms = at > 0 ? [address, address.slice(0, at)] : [address];
  return forms.filter((form) => form !== "");
}

/**
 * Why a new password is refused, or null. The rules are NIST SP 800-63B's: a length in code points after NFC, not
 * a commonly used password, not the user's e-mail address or its local part, and no composition rules (they make
 * people write "Sommer2024!" rather than a long passphrase). The specific reasons come before the length, so the
 * person learns why "password" will not do.
 */
export function passwordProblem(password: string, email: string): PasswordProblem | null {
  if (password.length > MAX_UNNORMALISED_LENGTH) return "too_long";
  const text = normalised(password);
  const codePoints = [...text].length;
  if (codePoints > MAX_CODE_POINTS) return "too_long";
  const folded = text.toLowerCase();
  if (COMMON_PASSWORDS.has(folded)) return "too_common";
  if (emailForms(email).includes(folded)) return "same_as_email";
  if (codePoints < MIN_CODE_POINTS) return "too_short";
  return null;
}
