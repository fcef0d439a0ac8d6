// Exports: the template exactly as written, the environment, the layout
// sidecar, pictures of the design (SVG drawn from the view model, PNG from
// that SVG), or all of them in one zip archive.
import { strToU8, zipSync } from 'fflate';
import { designSvg, type Graph, type Positions } from '@hearth/design';
import PngWorker from './png.worker.ts?worker';
import type { PngReply } from './png.worker.ts';

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

/** The largest PNG side, in pixels (browsers refuse larger canvases). */
const MAX_PNG_SIDE = 8000;
/** Pixels a PNG may have: encoding time grows with them (the SVG is the lossless export of a large design). */
const MAX_PNG_PIXELS = 16_000_000;

/** A PNG of the SVG, at up to twice its size (less for large designs, within MAX_PNG_SIDE and MAX_PNG_PIXELS). */
export async function svgToPng(svg: string): Promise<Blob> {
  const image = new Image();
  // A data: URL: the page's content security policy allows images from data:, not blob:.
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await image.decode();
  const { naturalWidth: w, naturalHeight: h } = image;
  const scale = Math.min(2, MAX_PNG_SIDE / w, MAX_PNG_SIDE / h, Math.sqrt(MAX_PNG_PIXELS / (w * h)));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(w * scale));
  canvas.height = Math.max(1, Math.round(h * scale));
  canvas.getContext('2d')!.drawImage(image, 0, 0, canvas.width, canvas.height);
  return encodePng(await createImageBitmap(canvas));
}

/** The PNG of these pixels, encoded in a Web Worker (see png.worker.ts), which takes the bitmap. */
async function encodePng(bitmap: ImageBitmap): Promise<Blob> {
  const worker = new PngWorker();
  try {
    const reply = await new Promise<PngReply>((ok, fail) => {
      worker.onmessage = (message: MessageEvent<PngReply>) => ok(message.data);
      worker.onerror = (event) => fail(new Error(`The browser made no PNG: ${event.message}`));
      worker.postMessage(bitmap, [bitmap]);
    });
    if ('error' in reply) throw new Error(`The browser made no PNG: ${reply.error}`);
    return reply.png;
  } finally {
    worker.terminate();
  }
}

export interface Picture {
  graph: Graph;
  positions: Positions;
  statuses?: Record<string, string>;
}

function pictureSvg(picture: Picture): string {
  return designSvg(picture.graph, picture.positions, picture.statuses ? { statuses: picture.statuses } : {});
}

export async function exportImage(picture: Picture, kind: 'png' | 'svg', name: string): Promise<void> {
  const svg = pictureSvg(picture);
  if (kind === 'svg') download(`${name}.svg`, svg, 'image/svg+xml');
  else download(`${name}.png`, await svgToPng(svg));
}

export async function exportArchive(args: {
  name: string;
  template: string;
  environment: string;
  positions: Positions;
  files: Record<string, string>;
  picture: Picture | null;
}): Promise<void> {
  const entries: Record<string, Uint8Array> = {
    [`${args.name}.yaml`]: strToU8(args.template),
    [`${args.name}.layout.json`]: strToU8(layoutSidecar(args.positions)),
  };
  if (args.environment.trim()) entries[`${args.name}.env.yaml`] = strToU8(args.environment);
  for (const [path, text] of Object.entries(args.files)) if (!path.startsWith('/') && !path.includes('..')) entries[path] = strToU8(text);
  if (args.picture) entries[`${args.name}.svg`] = strToU8(pictureSvg(args.picture));
  const zip = zipSync(entries);
  download(`${args.name}.zip`, new Blob([zip as BlobPart], { type: 'application/zip' }));
}
