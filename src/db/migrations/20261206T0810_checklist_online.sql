-- 信用制度清单 (issue 16 §3): the monitor sees only institutions published online, so each item records
-- where and since when its document can be found (online_url, online_date); a municipal document known to be
-- issued but whose number and date are not yet confirmed is marked doc_unconfirmed (shown as 待核).
ALTER TABLE checklist_items
  ADD COLUMN online_url      text,
  ADD COLUMN online_date     date,
  ADD COLUMN doc_unconfirmed boolean NOT NULL DEFAULT false;
