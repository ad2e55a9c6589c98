import { JsonType, type Platform, type TransformContext } from '@mikro-orm/core';

/**
 * MikroORM's JSON type, reading MariaDB's JSON columns too. MariaDB keeps JSON as LONGTEXT, which
 * mysql2 hands over as text, while the MySQL platform takes every JSON column as parsed already;
 * MySQL and SQLite read as before.
 */
export class PortableJsonType extends JsonType {
  override convertToJSValue(value: string | unknown, platform: Platform, context?: TransformContext): unknown {
    return typeof value === 'string' ? platform.convertJsonToJSValue(value, context) : super.convertToJSValue(value as string, platform, context);
  }
}
