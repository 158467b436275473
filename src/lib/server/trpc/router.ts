import { router, createCallerFactory } from './init';
import { billingStatus } from './routers/billing';
import { uptime } from './routers/metering';

/** The API at /api/trpc. Names from the design card; plain JSON, times as ISO strings. */
export const appRouter = router({
	uptime,
	billingStatus
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
