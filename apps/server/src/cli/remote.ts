// Talking to a running Hearth server from the command line.
import { readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, resolve } from 'node:path';
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink, TRPCClientError } from '@trpc/client';
import { EventSource } from 'eventsource';
import { analyzeTemplate, isValueMap, mergeEnvironments, nodeToValue, parseEnvironment, parseYamlText, type Value } from '@hearth/template';
import type { AppRouter } from '../router.ts';
import { diskLoader } from './files.ts';
import { UsageError, type CliIO } from './io.ts';

export type Client = ReturnType<typeof connect>;

export const SERVER_OPTIONS = {
  server: { type: 'string', short: 's' },
  token: { type: 'string', short: 't' },
} as const;

export const SERVER_USAGE = `  -s, --server URL        the Hearth server (default: $HEARTH_SERVER or http://127.0.0.1:8080)
  -t, --token TOKEN       its access token, needed off loopback (default: $HEARTH_TOKEN)`;

export function connect(options: { server?: string | undefined; token?: string | undefined }) {
  const server = (options.server ?? process.env.HEARTH_SERVER ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
  const token = options.token ?? process.env.HEARTH_TOKEN ?? null;
  const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  const url = `${server}/trpc`;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url,
          EventSource,
          eventSourceOptions: {
            fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), ...headers } }),
          },
        }),
        // Inputs may hold whole templates: send them as POST bodies, not in the address.
        false: splitLink({
          condition: (op) => op.input === undefined,
          true: httpLink({ url, headers }),
          false: httpLink({ url, headers, methodOverride: 'POST' }),
        }),
      }),
    ],
  });
}

/** A failed call, as one line a user can act on. */
export function describeError(error: unknown): string {
  if (error instanceof TRPCClientError) {
    const data = error.data as
      { code?: string; diagnostics?: Array<{ line: number; column: number; code: string; message: string }> } | undefined;
    const lines = [`${data?.code ?? 'ERROR'}: ${error.message}`];
    for (const d of data?.diagnostics ?? []) lines.push(`  template.yaml:${d.line}:${d.column}: ${d.code}: ${d.message}`);
    if (/fetch failed|ECONNREFUSED/.test(error.message))
      lines.push('  (is the server running? start it with "npx hearth serve", or give --server)');
    return lines.join('\n');
  }
  return error instanceof Error ? error.message : String(error);
}

export interface TemplateBundle {
  template: string;
  environment?: string;
  /** With several environment files: their keys in `files`, merged in this order by the server (as Heat does). */
  environmentFiles?: string[];
  parameters: Record<string, Value>;
  /** Every file the template and its environment refer to, by the path they use. */
  files: Record<string, string>;
}

/** Environment files as a request carries them: one as the environment, several among the files, named in order. */
export function readEnvironments(
  envPaths: readonly string[],
  base = process.cwd(),
): { texts: Array<{ path: string; text: string }>; request: Pick<TemplateBundle, 'environment' | 'environmentFiles' | 'files'> } {
  const texts = envPaths.map((path) => {
    try {
      return { path, text: readFileSync(path, 'utf8') };
    } catch (error) {
      throw new UsageError(`cannot read the environment file ${path}: ${(error as Error).message}`);
    }
  });
  if (texts.length === 1) return { texts, request: { environment: texts[0]!.text, files: {} } };
  // Keyed as the template would name them, so that relative paths inside stay meaningful.
  const keys = texts.map((e) => normalize(relative(base, resolve(e.path))));
  return { texts, request: { environmentFiles: keys, files: Object.fromEntries(texts.map((e, i) => [keys[i]!, e.text])) } };
}

/**
 * Reads a template, its environment files, and the files they refer to
 * (nested templates, get_file). One environment is sent as the stack's
 * environment; several go among the files, named in order, for the server
 * to merge as Heat merges them.
 */
export function readTemplateBundle(templatePath: string, envPaths: readonly string[], parameters: Record<string, Value>): TemplateBundle {
  let template: string;
  try {
    template = readFileSync(templatePath, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${templatePath}: ${(error as Error).message}`);
  }
  const base = dirname(resolve(templatePath));
  const { texts: envTexts, request } = readEnvironments(envPaths, base);
  const read = diskLoader(base);
  const files: Record<string, string> = {};
  // Record what the analysis reads, under the key the server will look it up by.
  const loadFile = (path: string, from?: string) => {
    const text = read(path, from);
    if (text !== undefined) files[normalize(join(from ? dirname(from) : '.', path.replace(/^file:\/\//, '')))] = text;
    return text;
  };
  const envs = envTexts.map((e) => parseEnvironment(e.text, e.path).environment);
  analyzeTemplate(template, { filename: 'template.yaml', environment: mergeEnvironments(envs), parameters, loadFile });
  // get_file contents are read when the stack runs: collect them from the template and every nested one.
  const seen = new Set<string>();
  const visit = (text: string, from: string) => {
    if (seen.has(from)) return;
    seen.add(from);
    for (const path of getFilePaths(text)) loadFile(path, from);
  };
  visit(template, 'template.yaml');
  for (const [key, text] of Object.entries({ ...files })) if (/\.ya?ml$/.test(key)) visit(text, key);
  return { template, ...request, parameters, files: { ...files, ...request.files } };
}

/** The literal paths a template's get_file calls name. */
function getFilePaths(text: string): string[] {
  const paths: string[] = [];
  const walk = (v: Value): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (isValueMap(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === 'get_file' && typeof v.get_file === 'string') paths.push(v.get_file);
      else Object.values(v).forEach(walk);
    }
  };
  const parsed = parseYamlText(text);
  if (parsed.root) walk(nodeToValue(parsed.root));
  return paths;
}

export function format(value: string | undefined): 'json' | 'text' {
  if (value !== 'json' && value !== 'text') throw new UsageError(`--format must be json or text, not "${value}"`);
  return value;
}

/** Runs a call against the server; a refusal becomes a message and exit status 1. */
export async function guarded(io: CliIO, work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UsageError) throw error;
    io.err(`hearth: ${describeError(error)}`);
    return 1;
  }
}
