// Composition: the auth domain's session and signed-API checks, handed to the platform's request helpers as
// their Authenticator (platform/http.ts defines the shape and never imports a domain).
import type { Authenticator, SignedHeaders } from '../platform/http.ts';
import { resolveSession } from '../domains/auth/auth.service.ts';
import { checkSignedBody, checkSignedHeaders, type SignedHeaders as AuthSignedHeaders } from '../domains/auth/apikeys.service.ts';

/** The auth domain's implementation of the platform's Authenticator. */
export const authenticator: Authenticator = {
  resolveSession,
  // With the pool: the signed request's two statements run as named prepared statements (apikeys.service.ts).
  checkSignedHeaders: (ctx, req, audit) => checkSignedHeaders(ctx.db, ctx.config, req, audit, ctx.pool),
  // The signed headers came from checkSignedHeaders above, so they are the auth domain's own type.
  checkSignedBody: (ctx, signed: SignedHeaders, req, audit, opts) => checkSignedBody(ctx.db, ctx.config, signed as AuthSignedHeaders, req, audit, ctx.pool, opts),
};
