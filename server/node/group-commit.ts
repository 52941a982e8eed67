// Group commit for better-sqlite3 (WAL, synchronous=FULL): every write made
// within one event-loop turn - each `Db.atomic` call and each single write
// statement from kysely - runs in ONE transaction, so one WAL fsync makes a
// whole burst durable. Each write runs in its own savepoint, so a failing one
// rolls back alone; each caller's promise settles only after the transaction
// has committed ("ack only after a durable commit" still holds). Reads run at
// once: SQLite is synchronous here, so nothing interleaves with a statement.
import type Database from 'better-sqlite3';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  SqliteDialect,
} from 'kysely';
import type { StatementResult } from '../db/database';

interface PendingWrite {
  compiled: readonly CompiledQuery[];
  resolve(results: StatementResult[]): void;
  reject(err: unknown): void;
}

type Outcome = { ok: true; results: StatementResult[] } | { ok: false; error: unknown };

export interface GroupCommit {
  /** Runs the statements atomically in the turn's transaction; resolves after it commits. */
  write(compiled: readonly CompiledQuery[]): Promise<StatementResult[]>;
  /** Commits whatever is pending now (on close). */
  flush(): void;
}

export function groupCommit(sqlite: Database.Database, prepare: (sql: string) => Database.Statement): GroupCommit {
  // Called inside `commitTurn`, `runWrite` becomes a savepoint.
  const runWrite = sqlite.transaction((compiled: readonly CompiledQuery[]): StatementResult[] =>
    compiled.map((q) => {
      const stmt = prepare(q.sql);
      const params = q.parameters as unknown[];
      return stmt.reader ? { rows: stmt.all(...params) as Record<string, unknown>[], changes: 0 } : { rows: [], changes: stmt.run(...params).changes };
    }),
  );
  const commitTurn = sqlite.transaction((writes: PendingWrite[]): Outcome[] =>
    writes.map((w) => {
      try {
        return { ok: true, results: runWrite(w.compiled) };
      } catch (error) {
        return { ok: false, error };
      }
    }),
  );

  let pending: PendingWrite[] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const writes = pending;
    pending = [];
    let outcomes: Outcome[];
    try {
      outcomes = commitTurn(writes);
    } catch (error) {
      // The commit itself failed (disk full, I/O error): nobody is acked.
      for (const w of writes) w.reject(error);
      return;
    }
    outcomes.forEach((o, i) => (o.ok ? writes[i]!.resolve(o.results) : writes[i]!.reject(o.error)));
  };

  return {
    write: (compiled) =>
      new Promise((resolve, reject) => {
        // The first write of a turn schedules the commit after this turn's I/O callbacks.
        if (pending.length === 0) setImmediate(flush);
        pending.push({ compiled, resolve, reject });
      }),
    flush,
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
        if (stmt.reader && !/^\s*(insert|update|delete|replace)\b/i.test(q.sql)) return { rows: stmt.all(...(q.parameters as unknown[])) as R[] };
        const [result] = await commit.write([q]);
        return { rows: (result?.rows ?? []) as R[], numAffectedRows: BigInt(result?.changes ?? 0) };
      },
      async *streamQuery<R>(q: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
        for (const row of prepare(q.sql).iterate(...(q.parameters as unknown[]))) yield { rows: [row as R] };
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
