// Notices to applicants, subjects and departments (issue 15 §4). Every notice is logged in `notifications`
// (owned here); delivery outside the machine (SMS gateway, mail server) is an optional OutsideSender that the
// shell configures. Tests use a double only for that outside sender, never for the log.
import type { DbOrTx } from '../db/index.ts';

export interface Notice {
  /** Who receives it: a mobile number, a mail address, or 'department:<id>' for a department's inbox. */
  recipient: string;
  /** What it is about, e.g. 'repair.accepted', 'objection.decided'. */
  topic: string;
  /** The thing it concerns, e.g. 'repair:12', for look-ups. */
  ref?: string | null;
  /** Title and text shown to the recipient (Chinese). */
  subject: string;
  body: string;
}

/** Delivery outside the machine; returns normally when the gateway accepted the notice. */
export interface OutsideSender {
  channel: 'sms' | 'mail';
  /** Whether this sender handles the recipient (e.g. a mobile number for SMS). */
  accepts(recipient: string): boolean;
  send(notice: Notice): Promise<void>;
}

export interface Notifier {
  /** Logs the notice and, when an outside sender accepts the recipient, sends it; returns the log row's id. */
  notify(db: DbOrTx, notice: Notice): Promise<string>;
  /**
   * The notice at most once per `onceKey`, across runs and processes: the log row is claimed first (a unique key),
   * then sent; returns the row's id, or null when that key was logged before (nothing is sent again).
   */
  notifyOnce(db: DbOrTx, onceKey: string, notice: Notice): Promise<string | null>;
}

/**
 * The notifier: a database log by default, plus outside senders when configured. A failing gateway never fails
 * the business action: the row says 'failed' with the error, for staff to follow up.
 */
export function createNotifier(senders: readonly OutsideSender[] = []): Notifier {
  return {
    async notify(db, notice) {
      const sender = senders.find((s) => s.accepts(notice.recipient));
      let status: 'logged' | 'sent' | 'failed' = 'logged';
      let error: string | null = null;
      if (sender) {
        try {
          await sender.send(notice);
          status = 'sent';
        } catch (e) {
          status = 'failed';
          error = e instanceof Error ? e.message : String(e);
        }
      }
      const row = await db
        .insertInto('notifications')
        .values({
          channel: sender?.channel ?? 'log',
          recipient: notice.recipient,
          topic: notice.topic,
          ref: notice.ref ?? null,
          subject: notice.subject,
          body: notice.body,
          status,
          error,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },
    async notifyOnce(db, onceKey, notice) {
      // Claim before sending: of two runners only the one whose insert wins sends, so a reminder never goes twice.
      const row = await db
        .insertInto('notifications')
        .values({ channel: 'log', recipient: notice.recipient, topic: notice.topic, ref: notice.ref ?? null, subject: notice.subject, body: notice.body, status: 'logged', error: null, once_key: onceKey })
        .onConflict((oc) => oc.column('once_key').where('once_key', 'is not', null).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!row) return null;
      const sender = senders.find((s) => s.accepts(notice.recipient));
      if (sender) {
        let error: string | null = null;
        try {
          await sender.send(notice);
        } catch (e) {
          error = e instanceof Error ? e.message : String(e);
        }
        await db.updateTable('notifications').set({ channel: sender.channel, status: error ? 'failed' : 'sent', error }).where('id', '=', row.id).execute();
      }
      return row.id;
    },
  };
}

/** The notices logged about one thing, oldest first (for a case's history). */
export async function noticesFor(db: DbOrTx, ref: string) {
  return db.selectFrom('notifications').selectAll().where('ref', '=', ref).orderBy('id').execute();
}
