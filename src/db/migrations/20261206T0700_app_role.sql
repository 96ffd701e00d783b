-- Two database roles (issue 11 §6, docs/OPERATIONS.md "数据库角色"): the owner runs migrations, backup and
-- restore; the app connects as a role that owns nothing and may only SELECT and INSERT on audit_log, so
-- nothing the app runs can disable the append-only triggers. When the platform creates the app role itself,
-- its password is kept here, where only the owner can read it: every process that knows the owner's
-- credentials (several app servers, the CLI) finds the same password, none has to agree on a secret, and the
-- backup (schema public only) never carries it.
CREATE SCHEMA citycredit_private;
REVOKE ALL ON SCHEMA citycredit_private FROM PUBLIC;

CREATE TABLE citycredit_private.app_role (
  role_name   text PRIMARY KEY,
  password    text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);
