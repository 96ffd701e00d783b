// The publicity settings the credit office must confirm (issue 13): the class of each 处罚类别 beside the
// 2026 examples, the transition rule and the 简易程序 presumption, read by the console. Read-only: the
// values are the engine's settings in force (DEFAULT_SETTINGS until the credit office changes them).
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { requireUser } from '../../platform/http.ts';
import { compileItem } from '../catalog/index.ts';
import { SGS_CF_V2 } from '../catalog/index.ts';
import categorySeverity from './defaults/category-severity.json' with { type: 'json' };
import { DEFAULT_SETTINGS } from './settings.ts';
import { SeveritySchema, type PublicitySettings } from './publicity.schemas.ts';

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

const SettingsView = Type.Object({
  categories: Type.Array(CategoryRow),
  categorySource: Type.String(),
  examplesSource: Type.String(),
  seriousFineAbove: Type.Union([Type.Number(), Type.Null()]),
  transition: Type.Object({ rule: Type.String(), from: Type.String(), basis: Type.String() }),
  possiblySimpleProcedure: Type.String(),
});

const examples = categorySeverity.examples2026.categories as Record<string, string>;

/** The settings view of `s` for the console: every 处罚类别 with its class, default and 2026 example. */
export function settingsView(s: PublicitySettings = DEFAULT_SETTINGS) {
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
    categorySource: categorySeverity.source,
    examplesSource: categorySeverity.examples2026.source,
    seriousFineAbove: s.seriousFineAbove,
    transition: { ...s.transition },
    possiblySimpleProcedure: s.possiblySimpleProcedure,
  };
}

/** Registers GET /api/publicity/settings (any signed-in user of the console). */
export default async function publicitySettingsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/api/publicity/settings',
    { schema: { tags: ['公示规则'], summary: '公示规则中需信用办确认的设置：处罚类别的失信程度（旁列 2026 年示例）、过渡规则、简易程序推定', response: { 200: SettingsView } } },
    async (req) => {
      await requireUser(req);
      return settingsView();
    },
  );
}
