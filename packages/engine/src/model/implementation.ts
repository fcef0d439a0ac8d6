// What a resource runs as, compared as Heat compares resource classes.
import type { ResourceRecord } from '@hearth/store';
import type { ResourceInfo } from '@hearth/template';

/**
 * What Heat would instantiate for the resource (the class its type resolves
 * to): every provider template is one class, TemplateResource; a type or an
 * alias is the built-in type it resolves to. Two resources are the same kind
 * when these match (resource.py update_convergence compares classes).
 */
export function implementationOf(info: ResourceInfo): string {
  return info.resolution === 'template' ? '@template' : (info.iface ?? info.def.type ?? '');
}

/** What a stored resource was created as (rows from before Hearth kept it: its type). */
export function storedImplementation(rec: ResourceRecord): string {
  return rec.implementation || rec.type;
}
