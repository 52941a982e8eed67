// Migrations are frozen plain objects in code, so the Node server and the
// Worker run the same ones. Never edit a migration that has shipped: add one.
import { type Kysely, type Migration, type MigrationProvider, sql } from 'kysely';

const m0001_initial: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('devices')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('sign_pk', 'text', (c) => c.notNull())
      .addColumn('kx_pk', 'text', (c) => c.notNull())
      .addColumn('kx_version', 'integer', (c) => c.notNull())
      .addColumn('kx_sig', 'text', (c) => c.notNull())
      .addColumn('created_day', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('auth_challenges')
      .addColumn('challenge_hash', 'text', (c) => c.primaryKey())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('sessions')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sessions_device').on('sessions').column('device_id').execute();
    await db.schema
      .createTable('groups')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('created_day', 'integer', (c) => c.notNull())
      .addColumn('roster_seq', 'integer', (c) => c.notNull())
      .addColumn('roster_head', 'text', (c) => c.notNull())
      .addColumn('epoch', 'integer', (c) => c.notNull())
      .addColumn('retention_seconds', 'integer')
      .addColumn('announcement_only', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('purged_seq', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createTable('roster_commits')
      .addColumn('group_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('prev_hash', 'text')
      .addColumn('hash', 'text', (c) => c.notNull())
      .addColumn('author', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('sig', 'text', (c) => c.notNull())
      .addColumn('epoch', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('roster_commits_pk', ['group_id', 'seq'])
      .execute();
    await db.schema
      .createTable('memberships')
      .addColumn('group_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('memberships_pk', ['group_id', 'device_id'])
      .execute();
    await db.schema.createIndex('memberships_device').on('memberships').column('device_id').execute();
    await db.schema
      .createTable('invites')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('group_id', 'text', (c) => c.notNull())
      .addColumn('code_hash', 'text', (c) => c.notNull().unique())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'integer', (c) => c.notNull())
      .addColumn('max_uses', 'integer', (c) => c.notNull())
      .addColumn('uses', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('revoked', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('creator', 'text', (c) => c.notNull())
      .addColumn('label', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('invites_group').on('invites').column('group_id').execute();
    await db.schema
      .createTable('join_requests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('invite_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text', (c) => c.notNull())
      .addColumn('introduction', 'text', (c) => c.notNull())
      .addColumn('created_day', 'integer', (c) => c.notNull())
      .addUniqueConstraint('join_requests_invite_device', ['invite_id', 'device_id'])
      .execute();
    await db.schema.createIndex('join_requests_device').on('join_requests').column('device_id').execute();
    await db.schema
      .createTable('key_envelopes')
      .addColumn('group_id', 'text', (c) => c.notNull())
      .addColumn('epoch', 'integer', (c) => c.notNull())
      .addColumn('recipient', 'text', (c) => c.notNull())
      .addColumn('sealed', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('key_envelopes_pk', ['group_id', 'recipient', 'epoch'])
      .execute();
    await db.schema
      .createTable('messages')
      .addColumn('group_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('client_msg_id', 'text', (c) => c.notNull())
      .addColumn('epoch', 'integer', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('ciphertext', 'text', (c) => c.notNull())
      .addColumn('pinned', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('expires_at', 'integer')
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('messages_pk', ['group_id', 'seq'])
      .addUniqueConstraint('messages_client_id', ['group_id', 'client_msg_id'])
      .execute();
    await db.schema
      .createIndex('messages_expiry')
      .on('messages')
      .column('expires_at')
      .where(sql.ref('expires_at'), 'is not', null)
      .execute();
  },
};

/**
 * The lowest epoch posts may still use: raised to a commit's epoch when that
 * commit removes a member, so a post sealed in an epoch the removed device
 * holds keys for is refused (PROTOCOL.md section 6).
 */
const m0002_min_post_epoch: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable('groups')
      .addColumn('min_post_epoch', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
  },
};

/**
 * One Web Push endpoint per subscribed device (opt-in), and nothing else: no
 * p256dh/auth keys (pushes carry no payload), no timestamps.
 */
const m0003_push_subscriptions: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('push_subscriptions')
      .addColumn('device_id', 'text', (c) => c.primaryKey())
      .addColumn('endpoint', 'text', (c) => c.notNull())
      .execute();
  },
};

/**
 * Attachment blobs (PROTOCOL.md section 17): where each encrypted blob stands.
 * `uploader` names the device only while its upload is unfinished (so it alone
 * resumes it) and is cleared when it completes; the delete token is stored
 * only as its hash.
 */
const m0004_blobs: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('blobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('group_id', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('received', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('complete', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('uploader', 'text')
      .addColumn('delete_token_hash', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'integer')
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('blobs_group').on('blobs').column('group_id').execute();
    await db.schema
      .createIndex('blobs_expiry')
      .on('blobs')
      .column('expires_at')
      .where(sql.ref('expires_at'), 'is not', null)
      .execute();
  },
};

export const MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  '0001_initial': m0001_initial,
  '0002_min_post_epoch': m0002_min_post_epoch,
  '0003_push_subscriptions': m0003_push_subscriptions,
  '0004_blobs': m0004_blobs,
});

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...MIGRATIONS }),
};
