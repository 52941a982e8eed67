// What repositories receive: a Kysely query builder for reads and single
// statements, and `atomic` for writes of several statements. `atomic` is a
// transaction on SQLite and a batch on D1, so no repository needs an
// interactive transaction (D1 has none).
import { type Compilable, CompiledQuery, type Kysely } from 'kysely';
import type { Tables } from './tables';

/** D1 binds at most this many parameters per statement (SQLite allows far more); long lists go in chunks. */
export const MAX_BOUND_PARAMETERS = 100;

export interface StatementResult {
  rows: Record<string, unknown>[];
  changes: number;
}

/** A query builder or an already compiled (raw SQL) statement. */
export type Statement = Compilable | CompiledQuery;

export function compileStatement(s: Statement): CompiledQuery {
  return 'compile' in s ? s.compile() : s;
}

export interface Db {
  kysely: Kysely<Tables>;
  atomic(statements: Statement[]): Promise<StatementResult[]>;
}

/** Thrown by `atomic` when a unique or primary key constraint fails, so callers can map it to a conflict. */
export class ConstraintError extends Error {
  constructor(message = 'constraint failed') {
    super(message);
    this.name = 'ConstraintError';
  }
}

export function isConstraintError(err: unknown): boolean {
  if (err instanceof ConstraintError) return true;
  const text = err instanceof Error ? `${(err as { code?: string }).code ?? ''} ${err.message}` : '';
  return /SQLITE_CONSTRAINT|UNIQUE constraint|PRIMARY KEY/i.test(text);
}

/**
 * A hot-path query built and compiled by kysely once per database, then bound
 * to new parameters on each call (building and compiling cost more than
 * running the statement). `build` must use each parameter exactly once, in
 * order, and no other value; that is checked on the first call, and a query
 * that fails the check is simply compiled every time. A statement that needs
 * a value more than once is written with numberedQuery instead.
 */
export function reusableQuery<P extends unknown[]>(
  build: (kysely: Kysely<Tables>, ...params: P) => Statement,
): (db: Db, ...params: P) => CompiledQuery {
  const texts = new WeakMap<Kysely<Tables>, string | null>();
  return (db, ...params) => {
    const text = texts.get(db.kysely);
    if (text) return CompiledQuery.raw(text, params);
    const compiled = compileStatement(build(db.kysely, ...params));
    const same = compiled.parameters.length === params.length && compiled.parameters.every((p, i) => p === params[i]);
    texts.set(db.kysely, same ? compiled.sql : null);
    return compiled;
  };
}

/**
 * A hot-path statement written once as SQLite text with numbered parameters
 * (?1, ?2 ...: SQLite and D1 bind them by number), so a value the statement
 * uses several times is passed once. `text` receives each name's placeholder
 * and may interpolate nothing else but constants; the returned function binds
 * one object with a value for every name. Every name must be used.
 */
export function numberedQuery<const N extends string>(
  names: readonly N[],
  text: (at: Readonly<Record<N, string>>) => string,
): (values: Readonly<Record<N, unknown>>) => CompiledQuery {
  const at = Object.fromEntries(names.map((name, i) => [name, `?${i + 1}`])) as Record<N, string>;
  const sqlText = text(at);
  const used = new Set(sqlText.match(/\?\d+/g));
  const unused = names.filter((name) => !used.has(at[name]));
  if (unused.length) throw new Error(`numberedQuery: unused values ${unused.join(', ')}`);
  return (values) =>
    CompiledQuery.raw(
      sqlText,
      names.map((name) => values[name]),
    );
}
