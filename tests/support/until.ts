/** Polls `check` until it holds, or fails naming `what` after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, ms = 15_000, every = 50): Promise<void> {
	const deadline = Date.now() + ms;
	while (Date.now() < deadline) {
		if (await check()) return;
		await new Promise((r) => setTimeout(r, every));
	}
	throw new Error(`timed out waiting for ${what}`);
}
