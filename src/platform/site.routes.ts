// Public facts about this installation: the city and the portal title (the city is configuration).
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';

/** GET /api/public/site. */
export default async function siteRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { config } = app.ctx;
  app.get(
    '/api/public/site',
    {
      schema: {
        tags: ['公开'],
        summary: '站点信息',
        response: { 200: Type.Object({ cityName: Type.String(), regionCode: Type.String(), title: Type.String() }) },
      },
    },
    async () => ({ cityName: config.cityName, regionCode: config.cityRegionCode, title: config.siteTitle }),
  );
}
