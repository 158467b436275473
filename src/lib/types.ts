import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from './server/trpc/router';

/** What the API returns, as the browser sees it. */
export type Outputs = inferRouterOutputs<AppRouter>;
export type BillingStatus = Outputs['billingStatus'];
