// What the newer domains feed to the monitoring (issue 14 §7, issue 15 §5): the list register, joint reward and
// punishment, repair, objections and commitments, as local estimates of a month and as the credit office's
// statistics of credit services. Monitoring imports these domains (through their index.ts); none of them
// imports monitoring, so there is no cycle.
import type { DbOrTx } from '../../db/index.ts';
import { commitmentsByKind } from '../commitments/index.ts';
import { blacklistFigures, listStatistics } from '../lists/index.ts';
import { objectionStats } from '../objections/index.ts';
import { repairStats } from '../repair/index.ts';
import { publishedCaseCounts, sanctionsEvidence } from '../sanctions/index.ts';
import type { LocalEstimates } from './estimates.ts';

/** The first and last day of a YYYY-MM month. */
export function monthDays(month: string): { from: string; to: string } {
  const [y, m] = month.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}

/**
 * The month's estimates from the lists, sanctions, repair, objections and commitments domains. Each is set only
 * when the month has something behind it, never as a made-up zero. `publishedRecords` is the month's 双公示
 * records (the denominator of 异议占比, docs/domain/05-monitoring.md §5.2 信息异议情况).
 */
export async function creditServiceEstimates(db: DbOrTx, month: string, publishedRecords: number, at: Date = new Date()): Promise<LocalEstimates> {
  const p = monthDays(month);
  const out: LocalEstimates = {};
  const black = await blacklistFigures(db, p.from, p.to);
  if (black.published > 0) out.blacklistPublicityCount = black.published;
  if (black.organisationEntries > 0 || black.organisationEntriesAdded > 0) {
    out.organisationBlacklistEntries = { inForce: black.organisationEntries, added: black.organisationEntriesAdded };
  }
  if (black.organisations > 0 && black.blackOrganisations > 0) out.blacklistEnterpriseShare = { black: black.blackOrganisations, organisations: black.organisations };
  const lists = await listStatistics(db, p.from, p.to);
  if (lists.redSubjects > 0 && lists.redShare !== null) out.redListShare = lists.redShare;

  const ev = await sanctionsEvidence(db, p);
  if (ev.checks > 0) out.preActionChecks = { checks: ev.checks, withHits: ev.checksWithHits, departments: ev.checkingDepartments };
  if (ev.punishmentCases + ev.incentiveCases + ev.measuresNotApplied > 0) {
    out.measuresApplied = { punishment: ev.punishmentCases, incentive: ev.incentiveCases, notApplied: ev.measuresNotApplied };
  }
  if (ev.feedbackRate !== null) out.sanctionFeedbackRate = ev.feedbackRate;
  const cases = await publishedCaseCounts(db, p);
  if (cases.punishment + cases.incentive > 0) out.casesPublished = cases;

  const kinds = await commitmentsByKind(db, p);
  const c = kinds.reduce((a, k) => ({ made: a.made + k.made, kept: a.kept + k.kept, breached: a.breached + k.breached }), { made: 0, kept: 0, breached: 0 });
  if (c.made + c.kept + c.breached > 0) out.commitments = c;

  const repairs = await repairStats(db, p, at);
  if (repairs.applied > 0) out.repairs = { applied: repairs.applied, approved: repairs.approved, refused: repairs.refused };
  if (repairs.averageWorkingDays !== null) out.repairAverageDays = repairs.averageWorkingDays;

  const objections = await objectionStats(db, { ...p, now: at });
  // 异议占比: objections filed in the month, open or closed, per 双公示 record of the month.
  if (objections.filed > 0 && publishedRecords > 0) out.objectionShare = objections.filed / publishedRecords;
  if (objections.averageWorkingDays !== null) out.objectionHandlingDays = objections.averageWorkingDays;
  return out;
}
