/** The API's contract: one zod schema per request and response, by domain; shared/api/types.ts derives the types. */
export * from "./common.ts";
export * from "./service.ts";
export * from "./reference.ts";
export * from "./cases.ts";
export * from "./people.ts";
export * from "./documents.ts";
export * from "./mail.ts";
export * from "./audit.ts";
export * from "./admin.ts";
export * from "./auth.ts";
export * from "./dashboard.ts";
export * from "./problem.ts";
export * from "./contacts.ts";
export * from "./tasks.ts";
export * from "./notifications.ts";
export * from "./search.ts";
