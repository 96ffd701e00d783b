// The reminders' stages (issue 15 §4) on the holiday calendar: 即将到期 when one working day remains, 已到期 from the
// deadline day; National Day 2026 (10-01..10-07 off) and its 调休 Saturday 10-10 (a working day). Pure: no database.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deadlineStage, type DeadlineStage } from './deadlineNotices.ts';
import { createWorkCalendar } from './workCalendar.ts';

const cal = createWorkCalendar();
const cases: Array<{ today: string; due: string; stage: DeadlineStage | null; why: string }> = [
  { today: '2026-10-08', due: '2026-10-10', stage: null, why: 'two working days remain (10-09, 10-10)' },
  { today: '2026-10-09', due: '2026-10-10', stage: 'due_soon', why: 'the 调休 Saturday is the one working day left' },
  { today: '2026-10-09', due: '2026-10-12', stage: null, why: 'the 调休 Saturday counts: 10-10 and 10-12 remain' },
  { today: '2026-10-10', due: '2026-10-12', stage: 'due_soon', why: 'from the 调休 Saturday, Monday is the next working day' },
  { today: '2026-10-11', due: '2026-10-12', stage: 'due_soon', why: 'a Sunday before a Monday deadline' },
  { today: '2026-09-30', due: '2026-10-08', stage: 'due_soon', why: 'across the whole National Day holiday' },
  { today: '2026-09-29', due: '2026-10-08', stage: null, why: '09-30 and 10-08 remain' },
  { today: '2026-10-10', due: '2026-10-10', stage: 'due', why: 'the deadline day' },
  { today: '2026-10-20', due: '2026-10-10', stage: 'due', why: 'past it' },
];
for (const c of cases) test(`${c.today} → ${c.due}: ${c.why}`, () => assert.equal(deadlineStage(cal, c.today, c.due), c.stage));
