// Exports: the template exactly as written, the environment, the layout
// sidecar, images of the canvas, or all of them in one zip archive.
import { strToU8, zipSync } from 'fflate';
import { toPng, toSvg } from 'html-to-image';
import { getNodesBounds, getViewportForBounds, type Node } from '@xyflow/react';
import type { Positions } from '@hearth/design';

export function download(name: string, data: Blob | string, type = 'text/yaml'): void {
  const blob = typeof data === 'string' ? new Blob([data], { type }) : data;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function baseName(designName: string): string {
  return designName.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '') || 'template';
}

/** The layout sidecar: positions by resource name, beside the template (not part of HOT). */
export function layoutSidecar(positions: Positions): string {
  return `${JSON.stringify({ hearthLayout: 1, positions }, null, 2)}\n`;
}

async function canvasImage(nodes: Node[], kind: 'png' | 'svg'): Promise<string> {
  const viewport = document.querySelector<HTMLElement>('.react-flow__viewport');
  if (!viewport) throw new Error('The canvas is not shown.');
  const bounds = getNodesBounds(nodes);
  const width = Math.min(8000, Math.max(400, bounds.width + 80));
  const height = Math.min(8000, Math.max(300, bounds.height + 80));
  const view = getViewportForBounds(bounds, width, height, 0.05, 2, 0.04);
  const options = {
    backgroundColor: '#ffffff',
    width,
    height,
    style: { width: `${width}px`, height: `${height}px`, transform: `translate(${view.x}px, ${view.y}px) scale(${view.zoom})` },
  };
  return kind === 'png' ? toPng(viewport, options) : toSvg(viewport, options);
}

export async function exportImage(nodes: Node[], kind: 'png' | 'svg', name: string): Promise<void> {
  const url = await canvasImage(nodes, kind);
  const a = document.createElement('a');
  a.href = url;
  a.download = `${name}.${kind}`;
  a.click();
}

export async function exportArchive(args: {
  name: string;
  template: string;
  environment: string;
  positions: Positions;
  files: Record<string, string>;
  nodes: Node[];
}): Promise<void> {
  const entries: Record<string, Uint8Array> = {
    [`${args.name}.yaml`]: strToU8(args.template),
    [`${args.name}.layout.json`]: strToU8(layoutSidecar(args.positions)),
  };
  if (args.environment.trim()) entries[`${args.name}.env.yaml`] = strToU8(args.environment);
  for (const [path, text] of Object.entries(args.files)) if (!path.startsWith('/') && !path.includes('..')) entries[path] = strToU8(text);
  try {
    const svg = await canvasImage(args.nodes, 'svg');
    entries[`${args.name}.svg`] = strToU8(decodeURIComponent(svg.replace(/^data:image\/svg\+xml;charset=utf-8,/, '')));
  } catch {
    /* no canvas: the archive has the text files */
  }
  const zip = zipSync(entries);
  download(`${args.name}.zip`, new Blob([zip as BlobPart], { type: 'application/zip' }));
}
