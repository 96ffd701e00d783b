// Schemas of the objection settings form (异议申诉设置, issue 15 §4): values, defaults and each one's source.
// Ranges are checked by the service with Chinese messages (objections.settings.ts objectionSettingsProblems).
import { Type, type Static } from '@sinclair/typebox';

export const ObjectionSettingsValues = Type.Object(
  {
    precheckDays: Type.Integer(),
    departmentDays: Type.Integer(),
    materialDays: Type.Integer(),
    whileOpen: Type.Union([Type.Literal('mark'), Type.Literal('hide')]),
    maxFiles: Type.Integer(),
    maxFileBytes: Type.Integer(),
  },
  { additionalProperties: false },
);
export type ObjectionSettingsValuesDto = Static<typeof ObjectionSettingsValues>;

export const ObjectionSettingsView = Type.Object({
  settings: ObjectionSettingsValues,
  defaults: ObjectionSettingsValues,
  caps: Type.Object({ maxFiles: Type.Integer(), maxFileBytes: Type.Integer() }),
  sources: Type.Object({ departmentDays: Type.String(), precheckDays: Type.String(), materialDays: Type.String(), whileOpen: Type.String(), materials: Type.String() }),
  editable: Type.Boolean(),
});
export type ObjectionSettingsViewDto = Static<typeof ObjectionSettingsView>;
