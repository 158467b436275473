import type { AnyTRPCQueryProcedure } from '@trpc/server';
import { router, createCallerFactory } from './init';
import { billingStatus } from './routers/billing';
import { billNow, cancelCharge, charges, createInvoice, createPaymentIntent, syncCharge } from './routers/charges';
import { uptime } from './routers/metering';
import {
	addCustomer,
	customerPortal,
	customers,
	customerStatus,
	inviteCustomer,
	revokeCustomerAccess,
	updateCustomer
} from './routers/customers';
import { addServer, heartbeat, rotateAgentToken, servers, serverTable, updateServer } from './routers/servers';
import { usage } from './routers/usage';

/** The read-only procedures, checked to be queries: all a GET may run (the fast path answers only these). */
const queries = { uptime, billingStatus, charges, servers } satisfies Record<string, AnyTRPCQueryProcedure>;
export const QUERY_NAMES: ReadonlySet<string> = new Set(Object.keys(queries));

/** The API at /api/trpc. Names from the design card; plain JSON, times as ISO strings. */
export const appRouter = router({
	...queries,
	createPaymentIntent,
	createInvoice,
	cancelCharge,
	syncCharge,
	billNow,
	addServer,
	updateServer,
	rotateAgentToken,
	heartbeat,
	usage,
	serverTable,
	addCustomer,
	updateCustomer,
	customers,
	inviteCustomer,
	revokeCustomerAccess,
	customerStatus,
	customerPortal
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
