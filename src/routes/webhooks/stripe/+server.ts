import type { RequestHandler } from './$types';
import { receiveWebhook } from '$lib/server/payments/webhooks';
import { getApp } from '$lib/server/runtime';

/** Stripe's webhooks (`stripe listen --forward-to localhost:8000/webhooks/stripe`): the raw body is what gets verified. */
export const POST: RequestHandler = async ({ request }) => {
	const reply = await receiveWebhook(getApp(), await request.text(), request.headers.get('stripe-signature'));
	return Response.json(reply.body, { status: reply.status });
};
