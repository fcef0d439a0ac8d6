// The server's API, typed by the router's type only (no server code in the bundle).
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink, TRPCClientError, type TRPCClient } from '@trpc/client';
import type { AppRouter } from '@hearth/server/router';

const url = '/trpc';

export const api: TRPCClient<AppRouter> = createTRPCClient<AppRouter>({
  links: [
    splitLink({
      condition: (op) => op.type === 'subscription',
      true: httpSubscriptionLink({ url }),
      // Inputs may hold whole templates: send them as POST bodies, not in the address.
      false: splitLink({
        condition: (op) => op.input === undefined,
        true: httpLink({ url }),
        false: httpLink({ url, methodOverride: 'POST' }),
      }),
    }),
  ],
});

/** A failed call as a sentence for the user. */
export function errorText(error: unknown): string {
  if (error instanceof TRPCClientError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

/** The server found nothing by that name (a stack deleted since, say). */
export function isNotFound(error: unknown): boolean {
  return error instanceof TRPCClientError && (error.data as { code?: string } | undefined)?.code === 'NOT_FOUND';
}
