/** IMS Case shared save flow: API client, resumable upload, flow state and transitions, texts. */
export * from "./api/client.ts";
export * from "./api/errors.ts";
export * from "./api/resumable.ts";
export * from "./api/retry.ts";
export * from "./api/transport.ts";
export * from "./api/types.ts";
export * from "./api/encoding.ts";
export * from "./flow/state.ts";
export * from "./flow/transitions.ts";
export * from "./flow/validation.ts";
export * from "./flow/naming.ts";
export * from "./flow/effects.ts";
export * from "./i18n/index.ts";
