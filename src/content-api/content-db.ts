import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool, QueryResultRow } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

/**
 * The Content API's access to PostgreSQL: plain parameterized queries on the application's one pg
 * pool (the one TypeORM opened), without the ORM's per-query work. Queries select text columns
 * (`document::text`), so the rows come back as ready JSON text and are sent without a parse/stringify.
 */
@Injectable()
export class ContentDb {
  private readonly names = new Map<string, string>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get pool(): Pool {
    return (this.dataSource.driver as PostgresDriver).master as Pool;
  }

  /**
   * Runs a query. `prepared` names the statement so PostgreSQL parses and plans it once per
   * connection; use it only for shapes whose best plan does not depend on the values (lookups by key).
   */
  async rows<T extends QueryResultRow>(text: string, values: unknown[], prepared = false): Promise<T[]> {
    let name: string | undefined;
    if (prepared) {
      name = this.names.get(text);
      if (name === undefined) {
        name = `content_${this.names.size}`;
        this.names.set(text, name);
      }
    }
    const result = await this.pool.query<T>({ text, values, name });
    return result.rows;
  }
}
