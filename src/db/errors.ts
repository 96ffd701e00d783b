// The database layer's expected failures (backups, restore, the app role), with a stable snake_case code and a
// Chinese message that is safe to show. Separate from platform's AppError because db sits below platform; the
// CLI prints both the same way (code and message).

/** An expected database-layer failure: a stable code and a Chinese message for the operator. */
export class DbError extends Error {
  constructor(
    public readonly code: string,
    message: string,
    public readonly status = 400,
  ) {
    super(message);
    this.name = 'DbError';
  }
}
