// What admin routes answer besides their 2xx, described once for OpenAPI.

export const refused = { 403: { description: "Not an administrator (`admin_only`)" } };
export const notFound = { 404: { description: "Not found" } };
export const conflict = { 409: { description: "The name, email or code is taken" } };
export const unknownReference = { 422: { description: "A referenced user or group does not exist" } };
export const unprocessable = { 422: { description: "Refused: a reference does not exist, or the rule is incomplete" } };
