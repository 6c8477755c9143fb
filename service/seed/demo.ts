import type { AppContext } from "../context.ts";

/** Demo data on first start. */
export async function seedDemo(_ctx: AppContext): Promise<void> {}
