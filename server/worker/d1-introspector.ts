// kysely's SQLite introspector lists every table in sqlite_master, including
// D1's internal _cf_* tables, whose pragma_table_info D1 refuses
// (SQLITE_AUTH). The Migrator introspects to find its own tables, so D1 needs
// this variant that leaves the internal tables out.
import {
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type DatabaseMetadataOptions,
  DEFAULT_MIGRATION_LOCK_TABLE,
  DEFAULT_MIGRATION_TABLE,
  type Kysely,
  type SchemaMetadata,
  sql,
  type TableMetadata,
} from 'kysely';

interface ColumnRow {
  name: string;
  type: string;
  notnull: number;
  dflt_value: unknown;
  pk: number;
}

export class D1Introspector implements DatabaseIntrospector {
  constructor(private readonly db: Kysely<any>) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    return [];
  }

  async getTables(options: DatabaseMetadataOptions = { withInternalKyselyTables: false }): Promise<TableMetadata[]> {
    let query = this.db
      .selectFrom('sqlite_master')
      .select(['name', 'type'])
      .where('type', 'in', ['table', 'view'])
      .where('name', 'not like', 'sqlite_%')
      .where(sql<string>`substr(name, 1, 4)`, '!=', '_cf_')
      .orderBy('name');
    if (!options.withInternalKyselyTables)
      query = query.where('name', 'not in', [DEFAULT_MIGRATION_TABLE, DEFAULT_MIGRATION_LOCK_TABLE]);
    const tables = (await query.execute()) as { name: string; type: string }[];
    return Promise.all(
      tables.map(async ({ name, type }) => {
        const { rows } =
          await sql<ColumnRow>`SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(${name})`.execute(
            this.db,
          );
        const pks = rows.filter((c) => c.pk > 0);
        const autoIncrement = pks.length === 1 && pks[0]!.type.toLowerCase() === 'integer' ? pks[0]!.name : undefined;
        return {
          name,
          isView: type === 'view',
          columns: rows.map((c) => ({
            name: c.name,
            dataType: c.type,
            isNullable: !c.notnull,
            isAutoIncrementing: c.name === autoIncrement,
            hasDefaultValue: c.dflt_value != null,
            comment: undefined,
          })),
        };
      }),
    );
  }

  async getMetadata(options?: DatabaseMetadataOptions): Promise<DatabaseMetadata> {
    return { tables: await this.getTables(options) };
  }
}
