// Heat's orchestration API (v1) as Hearth drives it: validate, create,
// update (PUT, and PATCH with `existing`), preview, delete, cancel, stacks,
// resources (with nested_depth), events (marker pages), outputs, template
// and environment. Heat's error answers (400/404/409...) reach the caller as
// HeatApiError with Heat's own message.
import type { KeystoneSession } from './keystone.ts';

/** Heat answered with an error: its status, its error type (StackValidationFailed, ...) and its message, as it gave them. */
export class HeatApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly type: string | null,
  ) {
    super(message);
  }
}

export interface StackIdentity {
  id: string;
  stack_name: string;
}

export interface HeatStack extends StackIdentity {
  stack_status: string;
  stack_status_reason: string;
  creation_time: string;
  updated_time: string | null;
  parameters?: Record<string, string>;
  outputs?: Array<{ output_key: string; output_value: unknown; output_error?: string; description?: string }>;
  parent?: string | null;
  disable_rollback?: boolean;
  timeout_mins?: number | null;
}

export interface HeatResource {
  resource_name: string;
  resource_type: string;
  physical_resource_id: string;
  resource_status: string;
  resource_status_reason: string;
  required_by: string[];
  parent_resource?: string;
  links: Array<{ href: string; rel: string }>;
  attributes?: Record<string, unknown>;
}

export interface HeatEvent {
  id: string;
  event_time: string;
  resource_name: string;
  logical_resource_id: string;
  physical_resource_id: string;
  resource_status: string;
  resource_status_reason: string;
  resource_type?: string;
  links: Array<{ href: string; rel: string }>;
}

export interface StackRequest {
  template: string;
  files?: Record<string, string>;
  environment?: string;
  parameters?: Record<string, unknown>;
  disableRollback?: boolean;
  timeoutMins?: number;
  /** Environment files (their texts in `files`), merged in this order before `environment`. */
  environmentFiles?: string[];
  /** With PATCH: parameters whose given values are forgotten. */
  clearParameters?: string[];
}

/** One resource of Heat's preview; a nested stack's (show_nested) names the resource its stack belongs to. */
export interface PreviewItem {
  resource_name: string;
  resource_type?: string;
  parent_resource?: string;
}

export interface PreviewResult {
  added: PreviewItem[];
  updated: PreviewItem[];
  replaced: PreviewItem[];
  deleted: PreviewItem[];
  unchanged: PreviewItem[];
}

/** The request body Heat's create/update/validate take (environment as text: Heat parses YAML or JSON). */
function body(request: StackRequest): Record<string, unknown> {
  return {
    template: request.template,
    files: request.files ?? {},
    ...(request.environment ? { environment: request.environment } : {}),
    parameters: request.parameters ?? {},
    ...(request.disableRollback !== undefined ? { disable_rollback: request.disableRollback } : {}),
    ...(request.timeoutMins !== undefined ? { timeout_mins: request.timeoutMins } : {}),
    ...(request.environmentFiles?.length ? { environment_files: request.environmentFiles } : {}),
    ...(request.clearParameters?.length ? { clear_parameters: request.clearParameters } : {}),
  };
}

export class HeatClient {
  private base: string | null = null;

  constructor(private readonly session: KeystoneSession) {}

  private async url(path: string): Promise<string> {
    this.base ??= await this.session.endpoint('orchestration', this.session.config.orchestrationEndpoint);
    return `${this.base}${path}`;
  }

  private async call<T>(method: string, path: string, payload?: unknown): Promise<T> {
    const response = await this.session.fetch(await this.url(path), {
      method,
      headers: { Accept: 'application/json', ...(payload !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      ...(payload !== undefined ? { body: JSON.stringify(payload) } : {}),
    });
    const text = await response.text();
    if (response.status >= 400) {
      let message = text || response.statusText;
      let type: string | null = null;
      try {
        const error = JSON.parse(text) as { error?: { message?: string; type?: string }; explanation?: string; title?: string };
        message = error.error?.message || error.explanation || error.title || message;
        type = error.error?.type ?? null;
      } catch {
        // Not JSON: the text is the message.
      }
      throw new HeatApiError(message, response.status, type);
    }
    return (text ? JSON.parse(text) : null) as T;
  }

  private static ref(stack: StackIdentity): string {
    return `/stacks/${encodeURIComponent(stack.stack_name)}/${stack.id}`;
  }

  /** Heat's template validate (its verdict: the parameters it reads, or a 400 with its message). */
  validate(request: StackRequest): Promise<Record<string, unknown>> {
    return this.call('POST', '/validate', body(request));
  }

  async create(name: string, request: StackRequest): Promise<StackIdentity> {
    const { stack } = await this.call<{ stack: { id: string } }>('POST', '/stacks', { stack_name: name, ...body(request) });
    return { id: stack.id, stack_name: name };
  }

  /** A stack by name or id (Heat redirects a name to name/id; the redirect is followed). */
  async get(nameOrId: string): Promise<HeatStack> {
    return (await this.call<{ stack: HeatStack }>('GET', `/stacks/${encodeURIComponent(nameOrId)}`)).stack;
  }

  async list(): Promise<HeatStack[]> {
    return (await this.call<{ stacks: HeatStack[] }>('GET', '/stacks')).stacks;
  }

  /** PUT replaces the template; `existing` is Heat's PATCH (only what is given changes). */
  async update(stack: StackIdentity, request: Partial<StackRequest>, existing = false): Promise<void> {
    await this.call(existing ? 'PATCH' : 'PUT', HeatClient.ref(stack), HeatClient.payload(request, existing));
  }

  /** An update's body; a PATCH leaves out the template when none is given (the stack keeps its own). */
  private static payload(request: Partial<StackRequest>, existing: boolean): Record<string, unknown> {
    return existing
      ? Object.fromEntries(Object.entries(body({ template: '', ...request })).filter(([k]) => k !== 'template' || request.template))
      : body(request as StackRequest);
  }

  /** Heat's preview update, nested stacks included; `existing`: of its PATCH update. */
  async preview(stack: StackIdentity, request: Partial<StackRequest>, existing = false): Promise<PreviewResult> {
    const path = `${HeatClient.ref(stack)}/preview?show_nested=true`;
    return (await this.call<{ resource_changes: PreviewResult }>(existing ? 'PATCH' : 'PUT', path, HeatClient.payload(request, existing)))
      .resource_changes;
  }

  async delete(stack: StackIdentity): Promise<void> {
    await this.call('DELETE', HeatClient.ref(stack));
  }

  /** cancel_update (rolls back), or cancel_without_rollback. */
  async cancel(stack: StackIdentity, rollback = true): Promise<void> {
    await this.call('POST', `${HeatClient.ref(stack)}/actions`, rollback ? { cancel_update: null } : { cancel_without_rollback: null });
  }

  /** Heat's stack actions: suspend, resume, check (the stack then runs the action; watch its events). */
  async action(stack: StackIdentity, action: 'suspend' | 'resume' | 'check'): Promise<void> {
    await this.call('POST', `${HeatClient.ref(stack)}/actions`, { [action]: null });
  }

  /** `detail`: with each resource's attributes (Heat resolves them all, asking the services). */
  async resources(stack: StackIdentity, nestedDepth = 0, detail = true): Promise<HeatResource[]> {
    return (
      await this.call<{ resources: HeatResource[] }>(
        'GET',
        `${HeatClient.ref(stack)}/resources?nested_depth=${nestedDepth}&with_detail=${detail}`,
      )
    ).resources;
  }

  /** One page of events, oldest first, after `marker` (an event id), nested stacks' included to `nestedDepth`. */
  async events(stack: StackIdentity, options: { marker?: string; limit?: number; nestedDepth?: number } = {}): Promise<HeatEvent[]> {
    const query = new URLSearchParams({ sort_dir: 'asc', sort_keys: 'event_time', limit: String(options.limit ?? 200) });
    if (options.marker) query.set('marker', options.marker);
    if (options.nestedDepth) query.set('nested_depth', String(options.nestedDepth));
    return (await this.call<{ events: HeatEvent[] }>('GET', `${HeatClient.ref(stack)}/events?${query}`)).events;
  }

  async template(stack: StackIdentity): Promise<unknown> {
    return this.call('GET', `${HeatClient.ref(stack)}/template`);
  }

  async environment(stack: StackIdentity): Promise<unknown> {
    return this.call('GET', `${HeatClient.ref(stack)}/environment`);
  }

  async files(stack: StackIdentity): Promise<Record<string, string>> {
    return this.call('GET', `${HeatClient.ref(stack)}/files`);
  }
}
