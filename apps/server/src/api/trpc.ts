// tRPC for Hearth's API: errors reach the client with a code, a message a
// user can act on and, for template problems, the diagnostics (line, column).
import { initTRPC, TRPCError } from '@trpc/server';
import { EngineError } from '@hearth/engine';
import { HeatApiError, KeystoneError } from '@hearth/openstack';
import { StoreError } from '@hearth/store';
import { UnknownCloud } from '../targets/index.ts';
import type { Diagnostic } from '@hearth/template';
import { jsonDepth } from '../http/body.ts';
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
  errorFormatter({ shape, error, ctx }) {
    const cause = error.cause;
    const diagnostics = cause instanceof EngineError && cause.diagnostics.length ? cause.diagnostics : undefined;
    // tRPC's own refusal of a body past maxBodySize says only its code: say what the limit is.
    const message =
      error.code === 'PAYLOAD_TOO_LARGE' && error.message === 'PAYLOAD_TOO_LARGE'
        ? `The request body is larger than this server accepts${ctx ? ` (${ctx.services.limits.maxBodyBytes} bytes)` : ''}.`
        : shape.message;
    return { ...shape, message, data: { ...shape.data, ...(diagnostics ? { diagnostics } : {}) } };
  },
});

const ENGINE_CODES: Record<EngineError['code'], TRPCError['code']> = {
  NOT_FOUND: 'NOT_FOUND',
  IN_PROGRESS: 'CONFLICT',
  CONFLICT: 'CONFLICT',
  TEMPLATE_INVALID: 'BAD_REQUEST',
  INVALID: 'BAD_REQUEST',
  LIMIT: 'TOO_MANY_REQUESTS',
  // Heat answers its RequestLimitExceeded with 400 too.
  TOO_LARGE: 'BAD_REQUEST',
};

const STORE_CODES: Record<StoreError['code'], TRPCError['code']> = {
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  INVALID: 'BAD_REQUEST',
};

/** Heat's answers by their HTTP status (its message goes to the user as Heat gave it). */
function heatCode(status: number): TRPCError['code'] {
  if (status === 400) return 'BAD_REQUEST';
  // Not UNAUTHORIZED: that is Hearth's own answer to a caller without its token.
  if (status === 401 || status === 403) return 'FORBIDDEN';
  if (status === 404) return 'NOT_FOUND';
  if (status === 409) return 'CONFLICT';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  return 'BAD_GATEWAY';
}

/** A cloud that cannot be reached at all (no answer: DNS, refused, TLS). */
function unreachable(cause: unknown): string | null {
  if (!(cause instanceof TypeError) || cause.message !== 'fetch failed') return null;
  const inner = (cause as { cause?: { message?: string; code?: string } }).cause;
  return `The cloud did not answer: ${inner?.code ?? inner?.message ?? 'the connection failed'}.`;
}

/** An engine, store or cloud refusal as the tRPC error with the matching code; null for anything else (it stays internal). */
function refusalOf(cause: unknown): TRPCError | null {
  if (cause instanceof EngineError) return new TRPCError({ code: ENGINE_CODES[cause.code], message: cause.message, cause });
  if (cause instanceof StoreError) return new TRPCError({ code: STORE_CODES[cause.code], message: cause.message, cause });
  if (cause instanceof HeatApiError) return new TRPCError({ code: heatCode(cause.status), message: cause.message, cause });
  if (cause instanceof KeystoneError) return new TRPCError({ code: 'BAD_GATEWAY', message: cause.message, cause });
  if (cause instanceof UnknownCloud) return new TRPCError({ code: 'BAD_REQUEST', message: cause.message, cause });
  const down = unreachable(cause);
  return down ? new TRPCError({ code: 'BAD_GATEWAY', message: down, cause }) : null;
}

/** Engine, store and cloud refusals become tRPC errors with the matching code; anything else stays internal. */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const refusal = refusalOf(result.error.cause);
    if (refusal) throw refusal;
  }
  return result;
});

/**
 * A subscription's stream with its refusals mapped as `mapErrors` maps a call's. A subscription's
 * resolver returns its stream at once, so the middleware never sees what the stream throws: a watch of
 * a stack that does not exist was sent as an internal error, which tRPC's client takes as a dropped
 * connection and retries for ever, the user told nothing.
 */
export async function* withRefusals<T>(stream: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* stream;
  } catch (error) {
    throw refusalOf(error) ?? error;
  }
}

/** How deep the JSON of a call's input may nest (a template's own nesting is in its text, not here). */
export const MAX_INPUT_DEPTH = 64;

/** Refuses inputs nested deeper than MAX_INPUT_DEPTH before anything walks them recursively (validation, copies). */
const boundedInput = t.middleware(async ({ getRawInput, next }) => {
  const depth = jsonDepth(await getRawInput(), MAX_INPUT_DEPTH);
  if (depth > MAX_INPUT_DEPTH) {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: `The request's JSON nests more than ${MAX_INPUT_DEPTH} levels deep; this server accepts at most ${MAX_INPUT_DEPTH}.`,
    });
  }
  return next();
});

/** Calls that evaluate templates run only as POST: a GET can be sent by any page (an <img>), a POST with JSON cannot. */
const postOnly = t.middleware(({ ctx, next }) => {
  if (ctx.method !== 'POST') {
    throw new TRPCError({
      code: 'METHOD_NOT_SUPPORTED',
      message: 'This call evaluates a template, so Hearth takes it only as a POST request with a JSON body (any web page can send a GET).',
    });
  }
  return next();
});

export const router = t.router;
export const procedure = t.procedure.use(boundedInput).use(mapErrors);
/** A procedure that evaluates a template (validation, planning, deploying): POST only. */
export const evaluatingProcedure = procedure.use(postOnly);

/** A refusal for input that is too large or too many. */
export function tooLarge(message: string): TRPCError {
  return new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message });
}
