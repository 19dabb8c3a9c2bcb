/**
 * A JSON-schema string without NUL characters: PostgreSQL text cannot hold U+0000 (SQLite can),
 * so it is refused at the door, naming the field, the same on both databases.
 */
export const text = (maxLength: number, minLength = 1) => ({ type: 'string', minLength, maxLength, pattern: '^[^\\u0000]*$' }) as const;

/** The same, also requiring a character other than white space (an actor, a reason). */
export const words = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength, pattern: '^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$' }) as const;
