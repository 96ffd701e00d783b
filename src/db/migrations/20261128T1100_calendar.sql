-- 节假日与调休 overrides maintained by the credit office, on top of chinese-days (ARCHITECTURE.md "Working days").
CREATE TABLE calendar_overrides (
  day          date PRIMARY KEY,
  kind         text NOT NULL CHECK (kind IN ('workday', 'holiday')),
  name         text,
  created_by   integer REFERENCES users(id) DEFERRABLE,
  created_at   timestamptz NOT NULL DEFAULT now()
);
