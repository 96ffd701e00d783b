// The domain route plugins the app registers, in one list so a new domain is one line.
import type { FastifyInstance } from 'fastify';

export const domainRoutes: Array<(app: FastifyInstance) => Promise<void>> = [];
