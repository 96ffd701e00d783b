// City credit monitoring routes (城市信用状况监测), one plugin: it registers the multipart parser for the
// uploads (encapsulated here) and the routes of each area, each in its own file: events.routes.ts,
// checklist.routes.ts, index.routes.ts, briefing.routes.ts. The department scorecards under
// /api/monitoring/scorecards are the assessment domain's (assessment.routes.ts).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {} from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { briefingRoutes } from './briefing.routes.ts';
import { checklistRoutes } from './checklist.routes.ts';
import { eventRoutes } from './events.routes.ts';
import { feedsRoutes } from './feeds.routes.ts';
import { indexRoutes } from './index.routes.ts';
import { MAX_UPLOAD_BYTES } from './monitoring.http.ts';

/** Registers the monitoring routes (with multipart uploads, encapsulated in this plugin). */
export default async function monitoringRoutes(fastify: FastifyInstance): Promise<void> {
  await fastify.register(import('@fastify/multipart'), { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1 } });
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  eventRoutes(app);
  checklistRoutes(app);
  indexRoutes(app);
  briefingRoutes(app);
  feedsRoutes(app);
}
