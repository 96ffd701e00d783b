// The domain route plugins the app registers, in one list so a new domain is one line.
import type { FastifyInstance } from 'fastify';
import codesRoutes from './domains/codes/codes.routes.ts';
import ingestRoutes from './domains/ingest/ingest.routes.ts';
import catalogRoutes from './domains/catalog/catalog.routes.ts';
import calendarRoutes from './platform/calendar.routes.ts';
import publicRecordRoutes from './domains/publicity/public.routes.ts';
import publicitySettingsRoutes from './domains/publicity/settings.routes.ts';
import monitoringRoutes from './domains/monitoring/monitoring.routes.ts';
import assessmentRoutes from './domains/assessment/assessment.routes.ts';
import subjectsRoutes from './domains/subjects/subjects.routes.ts';
import reportRoutes from './domains/reports/reports.routes.ts';
import listsRoutes from './domains/lists/lists.routes.ts';
import repairRoutes from './domains/repair/repair.routes.ts';
import objectionsRoutes from './domains/objections/objections.routes.ts';
import commitmentsRoutes from './domains/commitments/commitments.routes.ts';
import deskRoutes from './platform/desk.routes.ts';
import sanctionsRoutes from './domains/sanctions/sanctions.routes.ts';
import repairSettingsRoutes from './domains/repair/repair.settings.routes.ts';
import objectionSettingsRoutes from './domains/objections/objections.settings.routes.ts';
import sanctionsSettingsRoutes from './domains/sanctions/sanctions.settings.ts';

export const domainRoutes: Array<(app: FastifyInstance) => Promise<void>> = [
  codesRoutes,
  ingestRoutes,
  catalogRoutes,
  calendarRoutes,
  publicRecordRoutes,
  publicitySettingsRoutes,
  monitoringRoutes,
  assessmentRoutes,
  subjectsRoutes,
  reportRoutes,
  listsRoutes,
  repairRoutes,
  objectionsRoutes,
  commitmentsRoutes,
  deskRoutes,
  sanctionsRoutes,
  repairSettingsRoutes,
  objectionSettingsRoutes,
  sanctionsSettingsRoutes,
];
