-- Account control (issue 11 §2): one-time passwords that must be changed at the next sign-in, and the reason
-- a session was ended, so that a refused request can say why (e.g. the department was deactivated).

-- Set by an administrator's password reset: the session opened with that password may only change it.
ALTER TABLE users ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;
-- When the one-time password opened its one session; a second sign-in with it is refused.
ALTER TABLE users ADD COLUMN one_time_password_used_at timestamptz;

-- Why revoked_at was set: logout, user_inactive, inactive_department, password_reset, password_changed.
ALTER TABLE sessions ADD COLUMN revoked_reason text;
