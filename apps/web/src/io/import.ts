// Opening a template from disk: the template, its environment and the files
// it refers to, chosen together or dropped on the window.
import type { Positions } from '@hearth/design';

export interface ImportedDesign {
  name: string;
  template: string;
  environment: string;
  files: Record<string, string>;
  positions: Positions | undefined;
}

const VERSION_KEY = /^\s*\{?\s*["']?(heat_template_version|HeatTemplateFormatVersion|AWSTemplateFormatVersion)["']?\s*:/m;

function pathOf(file: File): string {
  const relative = (file as File & { webkitRelativePath?: string }).webkitRelativePath;
  return relative ? relative.split('/').slice(1).join('/') : file.name;
}

export async function readImport(list: FileList | File[]): Promise<ImportedDesign> {
  const files = await Promise.all([...list].map(async (f) => ({ path: pathOf(f), text: await f.text() })));
  // A template has one of the version keys Heat looks for (quoted in JSON): HOT or the CloudFormation format.
  const templates = files.filter((f) => VERSION_KEY.test(f.text) && /\.(ya?ml|json|template)$/i.test(f.path));
  if (!templates.length)
    throw new Error(
      'None of these files is a Heat template (no heat_template_version, AWSTemplateFormatVersion or HeatTemplateFormatVersion).',
    );
  // The template no other chosen template refers to is the top one.
  const top = templates.find((t) => !templates.some((o) => o !== t && o.text.includes(t.path.split('/').pop()!))) ?? templates[0]!;
  const env = files.find(
    (f) => f !== top && /(^|\n)(resource_registry|parameter_defaults|parameters)\s*:/.test(f.text) && !VERSION_KEY.test(f.text),
  );
  const layout = files.find((f) => f.path.endsWith('.layout.json'));
  let positions: Positions | undefined;
  if (layout) {
    try {
      positions = (JSON.parse(layout.text) as { positions?: Positions }).positions;
    } catch {
      positions = undefined;
    }
  }
  const rest: Record<string, string> = {};
  for (const f of files) if (f !== top && f !== env && f !== layout) rest[f.path] = f.text;
  return {
    name: top.path
      .split('/')
      .pop()!
      .replace(/\.(ya?ml|json|template)$/i, ''),
    template: top.text,
    environment: env?.text ?? '',
    files: rest,
    positions,
  };
}
