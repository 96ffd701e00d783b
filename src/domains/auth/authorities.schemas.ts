// TypeBox schemas for a department's list of authorities it may report for (代报机关, issue 11 §1).
import { Type } from '@sinclair/typebox';

export const AuthoritySchema = Type.Object({
  uscc: Type.String(),
  name: Type.String(),
  note: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});

export const AuthorityListSchema = Type.Object({
  /** The department's own USCC (always allowed); null until the credit office sets it. */
  own: Type.Union([Type.String(), Type.Null()]),
  items: Type.Array(AuthoritySchema),
});

export const AddAuthorityBody = Type.Object(
  {
    uscc: Type.String({ minLength: 18, maxLength: 40 }),
    name: Type.String({ minLength: 2, maxLength: 100 }),
    note: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
  },
  { additionalProperties: false },
);

export const AuthorityParams = Type.Object({
  id: Type.Integer({ minimum: 1 }),
  uscc: Type.String({ minLength: 18, maxLength: 18, pattern: '^[0-9A-Za-z]{18}$' }),
});

// Static types of the answers above, imported type-only by the web console (src/web/api) instead of copies.
import type { Static } from '@sinclair/typebox';
export type Authority = Static<typeof AuthoritySchema>;
export type AuthorityList = Static<typeof AuthorityListSchema>;
