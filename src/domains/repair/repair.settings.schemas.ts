// Schemas of the repair settings form (信用修复设置, issue 15 §4): the values the credit office sets, the shipped
// defaults beside them, and where each comes from ([M] = 待信用办确认). Ranges are checked by the service with
// Chinese messages (repair.settings.ts repairSettingsProblems), so the schema only fixes the shape.
import { Type, type Static } from '@sinclair/typebox';

const Deadlines = Type.Object({ answerDays: Type.Integer(), decideDays: Type.Integer() }, { additionalProperties: false });

export const RepairSettingsValues = Type.Object(
  {
    deadlines: Type.Intersect([Type.Record(Type.String({ pattern: '^(default|\\d{4})$' }), Deadlines), Type.Object({ default: Deadlines })]),
    maxFileBytes: Type.Integer(),
    maxFiles: Type.Integer(),
    repeatOffenderBar: Type.Object({ enabled: Type.Boolean(), years: Type.Integer(), count: Type.Integer() }, { additionalProperties: false }),
    restructuringChannel: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type RepairSettingsValuesDto = Static<typeof RepairSettingsValues>;

export const RepairSettingsView = Type.Object({
  settings: RepairSettingsValues,
  defaults: RepairSettingsValues,
  regimes: Type.Array(Type.Object({ id: Type.String(), label: Type.String() })),
  /** REPAIR_SCAN_COMMAND: a server setting, shown and not edited here; the command itself only to administrators. */
  scan: Type.Object({ configured: Type.Boolean(), command: Type.Union([Type.String(), Type.Null()]) }),
  /** Each setting's source, or its [M] note. */
  sources: Type.Object({ deadlines: Type.String(), repeatOffenderBar: Type.String(), restructuringChannel: Type.String(), materials: Type.String(), scan: Type.String() }),
  /** Whether the signed-in user may save (the credit office's administrators). */
  editable: Type.Boolean(),
});
export type RepairSettingsViewDto = Static<typeof RepairSettingsView>;
