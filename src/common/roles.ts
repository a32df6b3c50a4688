export const ROLES = ['writer', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { writer: 1, editor: 2, admin: 3 };

export function hasRole(actual: Role, min: Role): boolean {
  return RANK[actual] >= RANK[min];
}
