export interface AccessGroupTable {
  id: string;
  name: string;
  description: string;
}
export interface AccessGroupMemberTable {
  access_group_id: string;
  member_type: "user" | "group";
  member_id: string;
}
