import { badRequest, Problem } from "../../http/problem.ts";

// @tus/server answers refusals as text/plain sentences; the archive answers every refusal as problem+json
// with a code a client can act on. Keyed by the start of tus's own sentence (its ERRORS constants).
const KNOWN: Array<[prefix: string, status: number, code: string, detail: string]> = [
  ["Tus-Resumable Required", 412, "tus_resumable_required", "Send 'Tus-Resumable: 1.0.0' with every upload request."],
  ["Upload-Offset header required", 400, "upload_offset_required", "Send the Upload-Offset header: where this slice starts."],
  ["Content-Type header required", 415, "upload_content_type", "Send the slice as 'Content-Type: application/offset+octet-stream'."],
  ["Upload-Offset conflict", 409, "upload_offset_conflict", "Upload-Offset is not where the upload stands; ask with HEAD and continue from there."],
  ["The file for this url was not found", 404, "not_found", "The upload was not found."],
  ["The file for this url no longer exists", 410, "upload_gone", "The upload has expired; start it again."],
  ["upload's size exceeded", 413, "upload_too_long", "The slice goes past the upload's declared length."],
  ["Maximum size exceeded", 413, "too_large", "The file is larger than the maximum upload size."],
  ["Upload-Length or Upload-Defer-Length header required", 400, "upload_length_required", "Send Upload-Length: the file's size in bytes."],
  [
    "Upload-Metadata is invalid",
    400,
    "invalid_upload_metadata",
    "Upload-Metadata must be comma-separated 'key base64value' pairs naming the file: filename <base64>.",
  ],
  ["Upload-Metadata must name the file", 400, "missing_filename", "Upload-Metadata must name the file: filename <base64>."],
  ["Cannot terminate an already completed upload", 409, "upload_complete", "The upload is complete; save it as a document instead of abandoning it."],
  ["Request aborted due to lock acquired", 409, "upload_busy", "Another request is writing this upload; ask with HEAD where it stands and continue."],
  ["failed to acquire lock before timeout", 409, "upload_busy", "Another request is writing this upload; ask with HEAD where it stands and continue."],
  ["Sign in first", 401, "unauthenticated", "Sign in: send an API token as 'Authorization: Bearer …'."],
];

/** The problem for a refusal tus answered with `status` and its sentence `body`. */
export function tusProblem(status: number, body: string): Problem {
  const text = body.trim();
  const known = KNOWN.find(([prefix]) => text.startsWith(prefix));
  if (known) return new Problem(known[1], known[2], known[3]);
  if (text.startsWith("Invalid ")) {
    const names = text.slice("Invalid ".length).split(" ").filter(Boolean).slice(0, 10);
    return new Problem(400, "invalid_tus_header", `These headers have values tus 1.0 does not allow: ${names.join(", ")}.`, { headers: names });
  }
  // 501: an extension this server does not offer (concatenation, deferred length); the client chose it.
  if (status === 501) return badRequest("unsupported_tus_extension", `${text.split("\n")[0].slice(0, 200)} Send one upload with Upload-Length.`);
  if (status >= 500)
    return new Problem(500, "internal_error", "Something went wrong on the server while receiving the upload; ask with HEAD where it stands and continue.");
  return new Problem(status, "upload_refused", text.slice(0, 300) || "The upload request was refused.");
}
