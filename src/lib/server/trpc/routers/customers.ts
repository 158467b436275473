import { z } from 'zod';
import { parseTaxRate } from '../../billing/tax';
import { visibleCustomerId } from '../../auth/scope';
import { getCustomer } from '../../customers/customers';
import { createInvitation, invitationPath, revokeAccess } from '../../customers/invitations';
import { listCustomers } from '../../customers/list';
import { addCustomer as add, customerView, updateCustomer as update } from '../../customers/manage';
import { customerStatus as statusOf } from '../../customers/status';
import { billingPortalUrl } from '../../customers/portal';
import { accountProcedure, adminProcedure } from '../init';
import { customerId, locale } from './inputs';

const name = z.string().trim().min(1).max(100);
const email = z.email().max(254);
const stripeCustomerId = z
	.string()
	.trim()
	.max(255)
	.regex(/^cus_[A-Za-z0-9]+$/, 'must be a Stripe customer id (cus_…)');
const taxRate = z
	.string()
	.trim()
	.refine((v) => parseTaxRate(v) !== undefined, 'must be a percentage from 0 to 100 with up to 4 decimal places, e.g. "10"');

/** Registers a customer; the id is the one given or made from the name. */
export const addCustomer = adminProcedure
	.input(
		z
			.object({
				id: customerId.optional(),
				name,
				email,
				locale: locale.optional(),
				stripeCustomerId: stripeCustomerId.optional(),
				taxRate: taxRate.optional(),
				taxInclusive: z.boolean().optional()
			})
			.strict()
	)
	.mutation(async ({ ctx, input }) => customerView(await add(ctx.app.store, ctx.app.config, input, ctx.app.clock())));

/** Changes a customer's details; what is not given stays. */
export const updateCustomer = adminProcedure
	.input(
		z
			.object({
				customerId,
				name: name.optional(),
				email: email.optional(),
				locale: locale.optional(),
				stripeCustomerId: stripeCustomerId.optional(),
				taxRate: taxRate.optional(),
				taxInclusive: z.boolean().optional()
			})
			.strict()
	)
	.mutation(async ({ ctx, input }) => {
		const { customerId: id, ...changes } = input;
		return customerView(await update(ctx.app.store, ctx.app.config, id, changes));
	});

/** The customers table: servers, unbilled, month-to-date, open charge, last payment, flagged charges. */
export const customers = adminProcedure
	.input(
		z
			.object({
				cursor: customerId.optional(),
				limit: z.number().int().min(1).max(100).default(50),
				search: z.string().trim().max(100).optional()
			})
			.strict()
			.optional()
	)
	.query(({ ctx, input }) =>
		listCustomers(ctx.app, { cursor: input?.cursor, limit: input?.limit ?? 50, search: input?.search || undefined }, ctx.locale)
	);

/** A single-use sign-in link for the customer (7 days); absolute when the request's origin is known. */
export const inviteCustomer = adminProcedure.input(z.object({ customerId }).strict()).mutation(async ({ ctx, input }) => {
	const invitation = await createInvitation(ctx.app.store, input.customerId, ctx.app.clock());
	const path = invitationPath(invitation.token);
	return { url: ctx.origin ? new URL(path, ctx.origin).toString() : path, expiresAt: new Date(invitation.expiresAt).toISOString() };
});

/** Ends a customer's access: unused invitation links stop working and their sessions end (servers and history stay). */
export const revokeCustomerAccess = adminProcedure
	.input(z.object({ customerId }).strict())
	.mutation(({ ctx, input }) => revokeAccess(ctx.app.store, input.customerId, ctx.app.clock()));

const ownCustomer = z.object({ customerId: customerId.optional(), locale: locale.optional() }).strict().optional();

/** What a customer owes now, server by server (a customer: their own; the admin: any, default 'default'). */
export const customerStatus = accountProcedure
	.input(ownCustomer)
	.query(({ ctx, input }) => statusOf(ctx.app, visibleCustomerId(ctx.auth, input?.customerId), input?.locale ?? ctx.locale));

/** A link to Stripe's hosted customer portal (cards, receipts, invoices), returning to this site's dashboard. */
export const customerPortal = accountProcedure
	.input(z.object({ customerId: customerId.optional() }).strict().optional())
	.mutation(async ({ ctx, input }) => {
		const customer = await getCustomer(ctx.app.store, ctx.app.config, visibleCustomerId(ctx.auth, input?.customerId));
		return { url: await billingPortalUrl(ctx.app, customer, ctx.origin && new URL('/', ctx.origin).toString()) };
	});
