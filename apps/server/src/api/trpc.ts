// tRPC for Hearth's API: errors reach the client with a code, a message a
// user can act on and, for template problems, the diagnostics (line, column).
import { initTRPC, TRPCError } from '@trpc/server';
import { EngineError } from '@hearth/engine';
import { StoreError } from '@hearth/store';
import type { Diagnostic } from '@hearth/template';
import type { ApiContext } from './services.ts';

/** The error details clients receive beside tRPC's own code. */
export interface HearthErrorData {
  diagnostics?: Diagnostic[];
}

const t = initTRPC.context<ApiContext>().create({
  isDev: false,
  sse: {
    ping: { enabled: true, intervalMs: 5000 },
    client: { reconnectAfterInactivityMs: 15000 },
  },
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    const diagnostics = cause instanceof EngineError && cause.diagnostics.length ? cause.diagnostics : undefined;
    return { ...shape, data: { ...shape.data, ...(diagnostics ? { diagnostics } : {}) } };
  },
});

const ENGINE_CODES: Record<EngineError['code'], TRPCError['code']> = {
  NOT_FOUND: 'NOT_FOUND',
  IN_PROGRESS: 'CONFLICT',
  CONFLICT: 'CONFLICT',
  TEMPLATE_INVALID: 'BAD_REQUEST',
  INVALID: 'BAD_REQUEST',
  LIMIT: 'TOO_MANY_REQUESTS',
};

const STORE_CODES: Record<StoreError['code'], TRPCError['code']> = {
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  INVALID: 'BAD_REQUEST',
};

/** Engine and store refusals become tRPC errors with the matching code; anything else stays internal. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof EngineError) throw new TRPCError({ code: ENGINE_CODES[cause.code], message: cause.message, cause });
    if (cause instanceof StoreError) throw new TRPCError({ code: STORE_CODES[cause.code], message: cause.message, cause });
  }
  return result;
});

export const router = t.router;
export const procedure = t.procedure.use(mapErrors);

/** A refusal for input that is too large or too many. */
export function tooLarge(message: string): TRPCError {
  return new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message });
}
