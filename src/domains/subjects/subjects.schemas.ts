// TypeBox schemas of the public subject API. The response schemas also fix what leaves the server: no
// internal column (id_hash, id_enc, name_norm …) can reach public JSON, because only these fields serialise.
import { Type, type Static } from '@sinclair/typebox';

export const SubjectKindSchema = Type.Union([Type.Literal('legal'), Type.Literal('individual_business'), Type.Literal('natural_person')], {
  description: 'legal 法人和非法人组织；individual_business 个体工商户；natural_person 自然人',
});

export const SearchQuerystring = Type.Object({
  // Longer input is refused by the schema; the service refuses more than MAX_QUERY_CHARS with its own message.
  q: Type.Optional(Type.String({ maxLength: 1000, description: '主体名称片段（至少 2 个字）、统一社会信用代码、组织机构代码、注册号或拼音首字母' })),
  cursor: Type.Optional(Type.String({ maxLength: 4096, description: '上一页返回的 nextCursor' })),
});

export const PublicSubjectItemSchema = Type.Object(
  {
    id: Type.String({ description: '主体编号' }),
    name: Type.String(),
    uscc: Type.Union([Type.String(), Type.Null()], { description: '统一社会信用代码' }),
    kind: SubjectKindSchema,
    regionName: Type.Optional(Type.String({ description: '所属行政区划' })),
  },
  { additionalProperties: false },
);

export const SearchResponse = Type.Object({
  items: Type.Array(PublicSubjectItemSchema),
  total: Type.Union([Type.Integer({ minimum: 0 }), Type.Literal('20+')], { description: '结果数；超过 20 条时为 "20+"（不做精确计数）' }),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: '下一页的 cursor；没有下一页时为 null' }),
});

export const SubjectParams = Type.Object({
  // At most 18 digits: always inside bigint, so no input reaches the database as an out-of-range number.
  id: Type.String({ pattern: '^[1-9][0-9]{0,17}$', description: '主体编号' }),
});

export const PublicSubjectSchema = Type.Object(
  {
    id: Type.String(),
    kind: SubjectKindSchema,
    name: Type.String({ description: '名称；自然人仅显示姓氏，其余以 * 代替' }),
    uscc: Type.Union([Type.String(), Type.Null()]),
    legalRepresentative: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: '法定代表人（仅法人）' })),
    regionName: Type.Optional(Type.String()),
    registeredOn: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: '成立/登记日期' })),
  },
  { additionalProperties: false },
);

export type PublicSubjectItem = Static<typeof PublicSubjectItemSchema>;
export type PublicSearchResult = Static<typeof SearchResponse>;
export type PublicSubject = Static<typeof PublicSubjectSchema>;
export type SubjectKind = Static<typeof SubjectKindSchema>;
