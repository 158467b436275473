import { router, createCallerFactory } from './init';
import { billingStatus } from './routers/billing';
import { billNow, cancelCharge, charges, createInvoice, createPaymentIntent, syncCharge } from './routers/charges';
import { uptime } from './routers/metering';
import { addServer, heartbeat, rotateAgentToken, servers } from './routers/servers';
import { usage } from './routers/usage';

/** The API at /api/trpc. Names from the design card; plain JSON, times as ISO strings. */
export const appRouter = router({
	uptime,
	billingStatus,
	createPaymentIntent,
	createInvoice,
	charges,
	cancelCharge,
	syncCharge,
	billNow,
	servers,
	addServer,
	rotateAgentToken,
	heartbeat,
	usage
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
