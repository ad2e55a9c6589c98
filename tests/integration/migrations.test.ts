import { describe, expect, it } from 'vitest';
import { initORM } from '../../server/db/orm.js';
import { scratchDatabase, type TestDb } from '../support/databases.js';
import { schemaSnapshot } from '../support/schema-snapshot.js';

describe.each(['mysql', 'sqlite'] as TestDb[])('migrations on %s', (kind) => {
  // The committed migrations must build exactly the schema the entities describe: one database
  // built by running them, one built straight from the entities, compared column by column.
  it('build the same schema as the entities', async () => {
    const [fromMigrations, fromEntities] = await Promise.all([scratchDatabase(kind), scratchDatabase(kind)]);
    const migrated = await initORM(fromMigrations.target);
    const generated = await initORM(fromEntities.target, { migrate: false });
    try {
      await generated.getSchemaGenerator().createSchema();
      expect(await schemaSnapshot(migrated)).toEqual(await schemaSnapshot(generated));
      expect(await migrated.getMigrator().getPendingMigrations()).toEqual([]);
    } finally {
      await Promise.all([migrated.close(), generated.close()]);
      await Promise.all([fromMigrations.drop(), fromEntities.drop()]);
    }
  });
});
