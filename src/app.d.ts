import type { Context } from '$lib/server/trpc/context';

declare global {
	namespace App {
		interface Locals {
			ctx: Context;
		}
	}
}

export {};
