/**
 * The hosted pages Stripe links to, so browser tests can follow the links in the closed network:
 * the customer portal (`billing_portal.session.url`) and the hosted invoice page / PDF
 * (`hosted_invoice_url`, `invoice_pdf`; route invoice.stripe.com and pay.stripe.com to the double).
 */
import type { ServerResponse } from 'node:http';
import type { State } from './state';

const escape = (s: unknown) =>
	String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function html(res: ServerResponse, status: number, title: string, body: string): true {
	res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
	res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title></head><body>${body}</body></html>`);
	return true;
}

/** A one-page PDF saying which invoice it is (enough for a download link to be checked). */
function pdf(res: ServerResponse, text: string): true {
	const content = `BT /F1 14 Tf 72 720 Td (${text.replace(/[()\\]/g, '')}) Tj ET`;
	const objects = [
		'<< /Type /Catalog /Pages 2 0 R >>',
		'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
		'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
		`<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
		'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'
	];
	let out = '%PDF-1.4\n';
	const offsets: number[] = [];
	objects.forEach((o, i) => {
		offsets.push(out.length);
		out += `${i + 1} 0 obj\n${o}\nendobj\n`;
	});
	const xref = out.length;
	out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
	out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
	res.writeHead(200, { 'Content-Type': 'application/pdf' });
	res.end(out);
	return true;
}

const invoiceByToken = (state: State, token: string) =>
	[...state.invoices.values()].find((inv) => typeof inv.hosted_invoice_url === 'string' && inv.hosted_invoice_url.endsWith(`/${token}`));

/** Serves a hosted page for GET `path`; false when the path is not one. */
export function servePage(state: State, path: string, res: ServerResponse): boolean {
	let m = /^\/billing_portal\/session\/(bps_\w+)$/.exec(path);
	if (m) {
		const session = state.portalSessions.get(m[1]);
		if (!session) return html(res, 404, 'Not found', '<h1>This customer portal session does not exist.</h1>');
		const customer = state.customers.get(session.customer);
		const cards = [...state.paymentMethods.values()].filter((pm) => pm.customer === session.customer);
		const invoices = [...state.invoices.values()].filter((inv) => inv.customer === session.customer && inv.status !== 'draft');
		return html(
			res,
			200,
			'Customer portal',
			`<main data-testid="stripe-billing-portal" data-customer="${escape(session.customer)}">` +
				`<h1>Customer portal (Stripe test double)</h1><p>${escape(customer?.name ?? customer?.email ?? session.customer)}</p>` +
				`<h2>Payment methods</h2><ul>${cards.map((pm) => `<li>${escape(pm.card?.brand)} •••• ${escape(pm.card?.last4)}${customer?.invoice_settings?.default_payment_method === pm.id ? ' (default)' : ''}</li>`).join('')}</ul>` +
				`<h2>Invoices</h2><ul>${invoices.map((inv) => `<li>${escape(inv.number)} ${escape(inv.status)} ${escape(inv.total)} ${escape(inv.currency)}</li>`).join('')}</ul>` +
				(session.return_url ? `<a data-testid="stripe-billing-portal-return" href="${escape(session.return_url)}">Return</a>` : '') +
				'</main>'
		);
	}
	m = /^\/i\/acct_test\/(test_\w+)$/.exec(path);
	if (m) {
		const inv = invoiceByToken(state, m[1]);
		if (!inv) return html(res, 404, 'Not found', '<h1>This invoice does not exist.</h1>');
		return html(
			res,
			200,
			`Invoice ${inv.number}`,
			`<main data-testid="stripe-hosted-invoice" data-invoice="${escape(inv.id)}"><h1>Invoice ${escape(inv.number)}</h1>` +
				`<p>Status: <span data-testid="stripe-hosted-invoice-status">${escape(inv.status)}</span></p>` +
				`<p>Amount due: ${escape(inv.amount_due)} ${escape(inv.currency)}</p><a href="${escape(inv.invoice_pdf)}">Download PDF</a></main>`
		);
	}
	m = /^\/invoice\/acct_test\/(test_\w+)\/pdf$/.exec(path);
	if (m) {
		const inv = invoiceByToken(state, m[1]);
		if (!inv) return html(res, 404, 'Not found', '<h1>This invoice does not exist.</h1>');
		return pdf(res, `Invoice ${inv.number}: ${inv.total} ${inv.currency}`);
	}
	return false;
}
