import { z } from '@hono/zod-openapi';
import { UnderscoreNamingStrategy } from '@mikro-orm/core';

/** The ORM's own naming, which gave the tables their column names. */
const naming = new UnderscoreNamingStrategy();

/** A raw value as the field's type wants it: drivers give counts as strings (MariaDB), booleans as 0/1 and dates as epoch numbers (SQLite). */
function coerce(field: z.ZodType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  const type = field instanceof z.ZodNullable || field instanceof z.ZodOptional ? (field.unwrap() as z.ZodType) : field;
  if (type instanceof z.ZodNumber) return Number(value);
  if (type instanceof z.ZodBoolean) return Boolean(Number(value));
  if (type instanceof z.ZodISODateTime) return new Date(value as Date | number | string).toISOString();
  return value;
}

/**
 * The fields of a read model found in a raw row under their snake_case names, each coerced to the
 * field's type: a column added to the entity and to the read model's schema reaches the API with no
 * mapping to write. Fields the row lacks are left to the caller.
 */
export function columnsOf(shape: z.ZodRawShape, row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(shape)) {
    const column = naming.propertyToColumnName(key);
    if (column in row) out[key] = coerce(field as z.ZodType, row[column]);
  }
  return out;
}
