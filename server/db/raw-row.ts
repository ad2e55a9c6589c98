/** `sentCount` → `sent_count`: the column name MikroORM's default naming gives a property. */
export type SnakeCase<S extends string> = S extends `${infer H}${infer T}` ? `${H extends Lowercase<H> ? H : `_${Lowercase<H>}`}${SnakeCase<T>}` : S;

/** A value as the drivers return it from a raw query: SQLite gives booleans as 0/1 and dates as epoch numbers. */
type RawValue<V> = V extends boolean ? number | boolean : V extends Date ? Date | number : V;

/**
 * The columns of entity properties `K` as a raw (knex) query returns them: snake_case names, each
 * typed from the entity, so a list row follows the entity definition instead of a hand-kept copy.
 */
export type RawColumns<E, K extends keyof E & string> = { [P in K as SnakeCase<P>]-?: RawValue<Exclude<E[P], undefined>> };

type Scalar = string | number | boolean | Date;
type ScalarKeys<E> = { [K in keyof E & string]: Exclude<E[K], null | undefined> extends Scalar ? K : never }[keyof E & string];
type RelationKeys<E> = Exclude<{ [K in keyof E & string]: Exclude<E[K], null | undefined> extends Scalar ? never : E[K] extends (...args: never[]) => unknown ? never : K }[keyof E & string], undefined>;

/**
 * A whole row of an entity's table as `select *` returns it: every column typed from the entity,
 * each many-to-one as its `<name>_id`, so a new property reaches the row with no edit here.
 */
export type EntityRow<E> = RawColumns<E, ScalarKeys<E>> & { [K in RelationKeys<E> as `${SnakeCase<K>}_id`]-?: number | (null extends E[K] ? null : never) };
