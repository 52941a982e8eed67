// Group commit for better-sqlite3 (WAL, synchronous=FULL): every write made
// within one event-loop turn - each `Db.atomic` call and each single write
// statement from kysely - is committed in ONE transaction, so one WAL fsync
// makes a whole burst durable (./sqlite-connection.ts runs it). One batch is
// committed at a time, in order; writes that arrive meanwhile form the next.
// Each caller's promise settles only after its batch has committed, so "ack
// only after a durable commit" holds. Reads run at once on the main thread.
import type Database from 'better-sqlite3';
import { type CompiledQuery, type DatabaseConnection, type Driver, type QueryResult, SqliteDialect } from 'kysely';
import type { StatementResult } from '../db/database';
import { bindArgs, type Outcome, type WireError, type WireQuery } from './sqlite-connection';

/** Commits one batch of writes (in this thread or in the writer thread). */
export type CommitBatch = (writes: WireQuery[][]) => Promise<Outcome[]>;

interface PendingWrite {
  queries: WireQuery[];
  resolve(results: StatementResult[]): void;
  reject(err: unknown): void;
}

export interface GroupCommit {
  /** Runs the statements atomically in the next batch; resolves after it commits. */
  write(compiled: readonly CompiledQuery[]): Promise<StatementResult[]>;
  /** Resolves when every write issued so far has been committed (or refused). */
  idle(): Promise<void>;
}

/** An error from the writer, with the name, message and code that isConstraintError reads. */
export function errorFrom(wire: WireError): Error {
  return Object.assign(new Error(wire.message), { name: wire.name, ...(wire.code ? { code: wire.code } : {}) });
}

/**
 * `onIdle` is called when a batch has committed and no write is waiting: the
 * moment to do housekeeping (a WAL checkpoint) that would otherwise delay a batch.
 */
export function groupCommit(commitBatch: CommitBatch, onIdle?: () => void): GroupCommit {
  let pending: PendingWrite[] = [];
  let scheduled = false;
  let current: Promise<void> | null = null;

  const flush = (): void => {
    scheduled = false;
    if (current || pending.length === 0) return;
    const writes = pending;
    pending = [];
    current = commitBatch(writes.map((w) => w.queries)).then(
      (outcomes) =>
        outcomes.forEach((o, i) => (o.ok ? writes[i]!.resolve(o.results) : writes[i]!.reject(errorFrom(o.error)))),
      // The commit itself failed (disk full, I/O error): nobody is acked.
      (error: unknown) => writes.forEach((w) => w.reject(error)),
    );
    void current.then(() => {
      current = null;
      flush();
      if (!current) onIdle?.();
    });
  };

  return {
    write: (compiled) =>
      new Promise((resolve, reject) => {
        pending.push({ queries: compiled.map((q) => ({ sql: q.sql, parameters: q.parameters })), resolve, reject });
        // The first write of a turn schedules the batch after this turn's I/O callbacks.
        if (!scheduled && !current) {
          scheduled = true;
          setImmediate(flush);
        }
      }),
    async idle() {
      while (current || pending.length > 0) {
        flush();
        await (current ?? new Promise((r) => setImmediate(r)));
      }
    },
  };
}

/** Kysely's SQLite dialect with reads run directly and writes joining the group commit. */
export class GroupCommitDialect extends SqliteDialect {
  constructor(
    sqlite: Database.Database,
    private readonly prepare: (sql: string) => Database.Statement,
    private readonly commit: GroupCommit,
  ) {
    super({ database: sqlite });
  }

  override createDriver(): Driver {
    const { prepare, commit } = this;
    const connection: DatabaseConnection = {
      async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
        const stmt = prepare(q.sql);
        if (stmt.reader && !/^\s*(insert|update|delete|replace)\b/i.test(q.sql))
          return { rows: stmt.all(...bindArgs(stmt, q.parameters)) as R[] };
        const [result] = await commit.write([q]);
        return { rows: (result?.rows ?? []) as R[], numAffectedRows: BigInt(result?.changes ?? 0) };
      },
      async *streamQuery<R>(q: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
        const stmt = prepare(q.sql);
        for (const row of stmt.iterate(...bindArgs(stmt, q.parameters))) yield { rows: [row as R] };
      },
    };
    const noTransactions = async () => {
      throw new Error('use Db.atomic: kysely transactions are not supported with group commit');
    };
    return {
      init: async () => undefined,
      // No mutex: reads are synchronous and writes queue, so sharing the connection is safe.
      acquireConnection: async () => connection,
      releaseConnection: async () => undefined,
      beginTransaction: noTransactions,
      commitTransaction: noTransactions,
      rollbackTransaction: noTransactions,
      destroy: async () => undefined,
    };
  }
}
