/**
 * Every PostgreSQL advisory lock key the app takes, in one place so no two uses collide (advisory-locks.spec.ts
 * fails on a key written anywhere else in src/). Session locks (pg_advisory_lock) only for migrations;
 * everything else is transaction-scoped.
 */
export const ADVISORY_LOCKS = {
  migrations: 4_242_001,
  bootstrapAdmin: 4_242_002,
  /** One slug namespace per table: serializes slug choice so two equal names get x and x-2 */
  authorSlug: 4_242_101,
  /** Tags and tag aliases share one slug namespace */
  tagSlug: 4_242_102,
  /** With a second key derived from the import hash: one import of the same text at a time */
  importHash: 4_242_103,
  /**
   * Shared by every event append (the trigger on \`event\`), exclusive for a webhook change that adds a
   * receiver: an event is queued for dispatch exactly when a webhook that receives it is committed first.
   * The trigger's body holds the number itself (migration 1764300850000), so changing it takes a migration
   * that redefines event_queue_webhook_dispatch().
   */
  webhookReceivers: 4_242_201,
} as const;
