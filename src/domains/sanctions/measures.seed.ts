// The measures shipped with the platform (issue 14 §4; docs/domain/04-joint-measures.md §4.1, §4.1b, §4.1a): the
// verified example rows of the 2021 national basic list, the incentive measures of 国发〔2016〕33号, and one local
// row resting on the verified 政府采购 list document. The full national lists were not retrieved: the credit
// office enters the rest, each with its basis document. Which list types a shipped row applies to is the city's
// reading of the row's targets ([M]; amend it as a new version). Installed at start-up like the built-in catalogue.
import type { DbOrTx } from '../../db/index.ts';
import type { MeasureEdition, MeasureKind } from '../../db/sanctions.types.ts';
import { sql } from 'kysely';
import { INSTALLER_NOTE_PATTERN } from '../../platform/installerNotes.ts';

interface ShippedMeasure {
  code: string;
  name: string;
  class: 1 | 2 | 3;
  kind: MeasureKind;
  listTypes: string[];
  scenarios: string[];
  legalBasis: string;
  basisDocNo: string;
  implementingDept: string;
  edition: MeasureEdition;
  source: string;
}

// `source` (出处说明) is what users read on the 措施清单 page: plain Chinese naming the document as a person cites
// it, never a file path or a DOMAIN § (those stay in these comments: §4.1b for the 2021 rows, §4.1 for the
// incentives, §4.1a for the 政府采购 row). installShippedMeasures keeps the installed rows' note in step.
const BASIC_2021 = '《全国失信惩戒措施基础清单（2021年版）》所列措施（示例行，清单全文由信用办补录）';
const GF33 = '《国务院关于建立完善守信联合激励和失信联合惩戒制度加快推进社会诚信建设的指导意见》';
const INCENTIVE = `${GF33}（国发〔2016〕33号）所列守信激励措施`;
const RED = ['ANSRX', 'HGGJRZ', 'SHTZXY', 'CXDX'];

export const SHIPPED_MEASURES: readonly ShippedMeasure[] = [
  {
    code: 'QG2021-01',
    name: '以欺骗、贿赂等不正当手段申请或取得涉及公共安全、人身健康的行政许可的，一定期限内不得再次申请该行政许可',
    class: 1,
    kind: 'punishment',
    listTypes: ['SPYPSX', 'AQSCSX'],
    scenarios: ['行政审批'],
    legalBasis: '《中华人民共和国行政许可法》第七十八条、第七十九条',
    basisDocNo: '中华人民共和国主席令第七号',
    implementingDept: '行政许可机关',
    edition: '2021',
    source: BASIC_2021,
  },
  {
    code: 'QG2021-02',
    name: '一定期限内限制参与依法必须进行招标的项目的投标活动',
    class: 1,
    kind: 'punishment',
    listTypes: ['QXNMGGZ'],
    scenarios: ['招标投标'],
    legalBasis: '《中华人民共和国招标投标法》及《中华人民共和国招标投标法实施条例》',
    basisDocNo: '中华人民共和国主席令第二十一号；国务院令第613号',
    implementingDept: '招标投标活动行政监督部门',
    edition: '2021',
    source: BASIC_2021,
  },
  {
    code: 'DF-ZFCG-01',
    name: '列入政府采购严重违法失信行为记录名单期间，依法限制参加政府采购活动',
    class: 1,
    kind: 'punishment',
    listTypes: ['ZFCGSX'],
    scenarios: ['政府采购'],
    legalBasis: '《财政部办公厅关于报送政府采购严重违法失信行为信息记录的通知》',
    basisDocNo: '财办库〔2014〕526号',
    implementingDept: '财政部门、采购人、采购代理机构',
    edition: 'local',
    source: '政府采购严重违法失信行为记录名单的设定文件（财办库〔2014〕526号），本市据此设定',
  },
  { code: 'JL2016-01', name: '行政审批“绿色通道”，容缺受理', class: 2, kind: 'incentive', listTypes: RED, scenarios: ['行政审批'], legalBasis: GF33, basisDocNo: '国发〔2016〕33号', implementingDept: '各行政审批部门', edition: 'local', source: INCENTIVE },
  { code: 'JL2016-02', name: '在日常检查、专项检查中优化检查频次', class: 2, kind: 'incentive', listTypes: RED, scenarios: ['其他'], legalBasis: GF33, basisDocNo: '国发〔2016〕33号', implementingDept: '各监管部门', edition: 'local', source: INCENTIVE },
  {
    code: 'JL2016-03',
    name: '在政府采购、招标投标、财政资金安排中依法依规降低市场交易成本',
    class: 2,
    kind: 'incentive',
    listTypes: RED,
    scenarios: ['政府采购', '招标投标', '财政资金', '融资信贷'],
    legalBasis: GF33,
    basisDocNo: '国发〔2016〕33号',
    implementingDept: '财政部门及相关行业主管部门',
    edition: 'local',
    source: INCENTIVE,
  },
  { code: 'JL2016-04', name: '在评优评先中同等条件下优先考虑，大力推介诚信市场主体', class: 2, kind: 'incentive', listTypes: RED, scenarios: ['评优评先'], legalBasis: GF33, basisDocNo: '国发〔2016〕33号', implementingDept: '各评选部门', edition: 'local', source: INCENTIVE },
];

/**
 * Installs the shipped measures that were never installed (version 1 of each code; idempotent): a measure the
 * credit office amended or retired keeps its state, because its code already has a version 1. A shipped code's
 * version whose 出处说明 still carries an earlier install's development note (INSTALLER_NOTE_PATTERN: no person writes
 * one, so an amendment copied it) gets the shipped note in its place — the note, never the measure's rule.
 */
export async function installShippedMeasures(db: DbOrTx): Promise<number> {
  // One read on start for every shipped code; a write only where one is stale, since every statement on the table
  // moves the measures' cache generation.
  const stale = await db
    .selectFrom('sanction_measures')
    .select(['id', 'code'])
    .where('code', 'in', SHIPPED_MEASURES.map((m) => m.code))
    .where(sql<boolean>`source ~ ${INSTALLER_NOTE_PATTERN}`)
    .execute();
  for (const m of SHIPPED_MEASURES) {
    const ids = stale.filter((r) => r.code === m.code).map((r) => r.id);
    if (ids.length) await db.updateTable('sanction_measures').set({ source: m.source }).where('id', 'in', ids).execute();
  }
  const r = await db
    .insertInto('sanction_measures')
    .values(
      SHIPPED_MEASURES.map((m) => ({
        code: m.code,
        version: 1,
        name: m.name,
        class: m.class,
        kind: m.kind,
        list_types: m.listTypes,
        scenarios: m.scenarios,
        legal_basis: m.legalBasis,
        basis_doc_no: m.basisDocNo,
        implementing_dept: m.implementingDept,
        edition: m.edition,
        source: m.source,
        status: 'active' as const,
      })),
    )
    .onConflict((oc) => oc.columns(['code', 'version']).doNothing())
    .returning('id')
    .execute();
  return r.length;
}
