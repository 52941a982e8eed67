// A small kysely dialect for D1: SQLite's adapter and compiler, statements run
// with prepare().bind().all(). No transactions (D1 has none; `atomic` uses a
// batch instead), and an introspector that skips D1's internal tables.
import {
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  SqliteAdapter,
  SqliteQueryCompiler,
} from 'kysely';
import { D1Introspector } from './d1-introspector';

class D1Connection implements DatabaseConnection {
  constructor(private readonly database: D1Database) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.database
      .prepare(query.sql)
      .bind(...query.parameters)
      .all<R>();
    const changes = result.meta?.changes ?? 0;
    return {
      rows: result.results ?? [],
      numAffectedRows: changes > 0 ? BigInt(changes) : undefined,
      insertId: result.meta?.last_row_id == null ? undefined : BigInt(result.meta.last_row_id),
    };
  }

  // biome-ignore lint/correctness/useYield: Kysely's interface wants a generator; D1 has no stream to yield from
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('D1 does not stream query results');
  }
}

class D1Driver implements Driver {
  constructor(private readonly database: D1Database) {}
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return new D1Connection(this.database);
  }
  async beginTransaction(): Promise<void> {
    throw new Error('D1 has no interactive transactions; use Db.atomic');
  }
  async commitTransaction(): Promise<void> {
    throw new Error('D1 has no interactive transactions; use Db.atomic');
  }
  async rollbackTransaction(): Promise<void> {
    throw new Error('D1 has no interactive transactions; use Db.atomic');
  }
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

export class D1Dialect implements Dialect {
  constructor(private readonly database: D1Database) {}
  createAdapter() {
    return new SqliteAdapter();
  }
  createDriver(): Driver {
    return new D1Driver(this.database);
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new D1Introspector(db);
  }
}
