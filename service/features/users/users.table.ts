import type { Generated, Selectable } from "kysely";

export type Role = "admin" | "caseworker" | "external";

export interface UserTable {
  id: string;
  email: string;
  name: string;
  role: Role;
  active: number;
  /** Whether this caseworker may reveal CPR numbers (administrators always may). */
  cpr_access: Generated<number>;
  created_at: string;
}
export interface GroupTable {
  id: string;
  name: string;
}
export interface GroupMemberTable {
  group_id: string;
  user_id: string;
  /** 1: conferred by the identity provider's group (IMS_SSO_GROUPS) at sign-in, and taken away there when the directory drops it. */
  via_sso: Generated<number>;
}
export interface ApiTokenTable {
  id: string;
  user_id: string;
  token_hash: string;
  label: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  /** The environment variable the token came from (IMS_ADMIN_TOKEN, IMS_DEMO_TOKEN_<LOGIN>); null otherwise. */
  env_variable: string | null;
}
export type UserRow = Selectable<UserTable>;
