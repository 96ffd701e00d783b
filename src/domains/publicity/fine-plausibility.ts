// Fines implausible for the authority (issue 13), beside the 元/万元 text match of fine-unit.ts: an amount above
// the ceiling for the deciding authority's sector (settings fineCeilings) or for any authority (fineCeiling),
// whatever the 处罚类别 say. The thresholds are data (defaults/fine-plausibility.json, with where they come
// from). Pure; the engine and ingest's receipt both call it (after the text match, which explains an amount
// better when it fires), so the receipt and the credit office's records list agree.
import { sectorOfAuthority } from './sectors.ts';
import type { PublicitySettings } from './publicity.schemas.ts';

export interface FineImplausibility {
  /** Why, in Chinese, for the explanation and the receipt. */
  note: string;
}

/** Whether a fine of `fineAmount` 万元 is implausible for this authority; null when it is plausible or there is no amount. */
export function fineImplausible(
  input: { fineAmount: number | null | undefined; authority: string | null | undefined },
  s: Pick<PublicitySettings, 'fineCeiling' | 'fineCeilings'>,
): FineImplausibility | null {
  const amount = input.fineAmount;
  if (typeof amount !== 'number' || !(amount > 0)) return null;
  const sector = input.authority ? sectorOfAuthority(input.authority) : null;
  const bySector = sector === null ? undefined : s.fineCeilings.find((c) => c.sectors.includes(sector));
  if (bySector && amount > bySector.ceiling) {
    return { note: `罚款金额 ${amount} 万元超过${sector}领域的罚款上限 ${bySector.ceiling} 万元（${bySector.basis}），未按巨额罚款处理，请部门核实` };
  }
  if (s.fineCeiling !== null && amount > s.fineCeiling) {
    return { note: `罚款金额 ${amount} 万元超过平台设定的合理上限 ${s.fineCeiling} 万元，疑为单位或位数填错，未按巨额罚款处理，请部门核实` };
  }
  return null;
}
