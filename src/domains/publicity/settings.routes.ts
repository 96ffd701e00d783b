// The publicity settings the credit office must confirm (issue 13): the class of each 处罚类别 beside the
// 2026 examples, the transition rule, the 简易程序 presumption, the 巨额 threshold and the fine ceiling, and the
// decision-date floor (read-only here: INGEST_DECISION_DATE_WARN_BEFORE). Everyone signed in reads them; only the
// credit office's administrators change them, audited (settings.store.ts).
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { auditCtx, requireUser } from '../../platform/http.ts';
import { compileItem } from '../catalog/index.ts';
import { SGS_CF_V2 } from '../catalog/index.ts';
import categorySeverity from './defaults/category-severity.json' with { type: 'json' };
import { DEFAULT_SETTINGS } from './settings.ts';
import { CATEGORY_SOURCE, EXAMPLES_SOURCE, FINE_CEILING_SOURCE, TRANSITION_BASIS, decisionDateFloorNote } from './settings.text.ts';
import { loadPublicitySettings, savePublicitySettings } from './settings.store.ts';
import { SeveritySchema, TransitionRuleSchema, type PublicitySettings } from './publicity.schemas.ts';

const CategoryRow = Type.Object({
  code: Type.String(),
  label: Type.String(),
  /** The class in force. */
  severity: SeveritySchema,
  /** The shipped default. */
  defaultSeverity: SeveritySchema,
  /** What the 2026 rules' examples say for this category; null when they list none. */
  example2026: Type.Union([Type.String(), Type.Null()]),
});

const NullableAmount = Type.Union([Type.Number({ minimum: 0, maximum: 1e9 }), Type.Null()]);

const SettingsView = Type.Object({
  categories: Type.Array(CategoryRow),
  categorySource: Type.String(),
  examplesSource: Type.String(),
  seriousFineAbove: Type.Union([Type.Number(), Type.Null()]),
  transition: Type.Object({ rule: Type.String(), from: Type.String(), basis: Type.String() }),
  /** The shipped transition rule, for the console's "默认" beside the value in force. */
  defaultTransition: Type.Object({ rule: Type.String(), from: Type.String() }),
  possiblySimpleProcedure: Type.String(),
  fineCeiling: Type.Union([Type.Number(), Type.Null()]),
  fineCeilingSource: Type.String(),
  defaults: Type.Object({ seriousFineAbove: Type.Union([Type.Number(), Type.Null()]), possiblySimpleProcedure: Type.String(), fineCeiling: Type.Union([Type.Number(), Type.Null()]) }),
  /** 决定日期 before this day are warned at import (INGEST_DECISION_DATE_WARN_BEFORE; before 1949-10-01 refused). */
  decisionDateFloor: Type.String(),
  /** What the floor does and who sets it, in words (settings.text.ts). */
  decisionDateFloorNote: Type.String(),
});

/** The changes the console may send: each part optional; classes are merged by 处罚类别 code. */
const SettingsChange = Type.Object(
  {
    categorySeverity: Type.Optional(Type.Record(Type.String({ pattern: '^[0-9A-Z]{2}$' }), SeveritySchema)),
    transition: Type.Optional(Type.Object({ rule: Type.Optional(TransitionRuleSchema), from: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })) }, { additionalProperties: false })),
    possiblySimpleProcedure: Type.Optional(Type.Union([Type.Literal('flag'), Type.Literal('treat_as_simple')])),
    seriousFineAbove: Type.Optional(NullableAmount),
    fineCeiling: Type.Optional(NullableAmount),
  },
  { additionalProperties: false },
);

const examples = categorySeverity.examples2026.categories as Record<string, string>;

/**
 * The settings view of `s` for the console: every 处罚类别 with its class, default and 2026 example. Every text in it
 * is for the credit office (settings.text.ts); the developer notes of defaults/*.json are not sent (issue 17 §4).
 */
export function settingsView(s: PublicitySettings = DEFAULT_SETTINGS, decisionDateFloor = '2000-01-01') {
  const table = compileItem(SGS_CF_V2).enums.get('CF_CFLB');
  const categories = (table?.values ?? []).map((v) => ({
    code: v.code,
    label: v.label,
    severity: s.categorySeverity[v.code] ?? s.defaultSeverity,
    defaultSeverity: DEFAULT_SETTINGS.categorySeverity[v.code] ?? DEFAULT_SETTINGS.defaultSeverity,
    example2026: examples[v.code] ?? null,
  }));
  return {
    categories,
    categorySource: CATEGORY_SOURCE,
    examplesSource: EXAMPLES_SOURCE,
    seriousFineAbove: s.seriousFineAbove,
    transition: { rule: s.transition.rule, from: s.transition.from, basis: TRANSITION_BASIS },
    defaultTransition: { rule: DEFAULT_SETTINGS.transition.rule, from: DEFAULT_SETTINGS.transition.from },
    possiblySimpleProcedure: s.possiblySimpleProcedure,
    fineCeiling: s.fineCeiling,
    fineCeilingSource: FINE_CEILING_SOURCE,
    defaults: { seriousFineAbove: DEFAULT_SETTINGS.seriousFineAbove, possiblySimpleProcedure: DEFAULT_SETTINGS.possiblySimpleProcedure, fineCeiling: DEFAULT_SETTINGS.fineCeiling },
    decisionDateFloor,
    decisionDateFloorNote: decisionDateFloorNote(decisionDateFloor),
  };
}

/** Registers GET /api/publicity/settings (any signed-in console user) and PUT (the credit office's administrators). */
export default async function publicitySettingsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { db, config } = fastify.ctx;
  app.get(
    '/api/publicity/settings',
    {
      schema: {
        tags: ['公示规则'],
        summary: '公示规则中需信用办确认的设置：处罚类别的失信程度（旁列 2026 年示例）、过渡规则、简易程序推定、巨额罚款门槛、罚款合理上限、决定日期下限',
        response: { 200: SettingsView },
      },
    },
    async (req) => {
      await requireUser(req);
      return settingsView(await loadPublicitySettings(db), config.ingestDecisionDateWarnBefore);
    },
  );
  app.put(
    '/api/publicity/settings',
    {
      schema: {
        tags: ['公示规则'],
        summary: '修改公示设置（仅信用办管理员；留审计记录；全部记录在下次公示任务中按新设置重新判定）',
        body: SettingsChange,
        response: { 200: SettingsView },
      },
    },
    async (req) => {
      await requireUser(req, ['admin']);
      const s = await savePublicitySettings(db, req.body, auditCtx(req));
      return settingsView(s, config.ingestDecisionDateWarnBefore);
    },
  );
}
