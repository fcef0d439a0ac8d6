// A picture's PNG encoding, off the page's thread. The page draws the picture
// (only a document can draw an SVG) and hands over its pixels; this encodes
// them. On the page, `canvas.toBlob` encodes in the page's idle moments, which
// a page drawing frames has few of: a 1,000-resource design's PNG took 0.2 to
// 1.1 s to encode there, and about 0.15 s here.

/** What the page is told: the PNG, or why there is none. */
export type PngReply = { png: Blob } | { error: string };

self.onmessage = async (message: MessageEvent<ImageBitmap>) => {
  const bitmap = message.data;
  let reply: PngReply;
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    canvas.getContext('bitmaprenderer')!.transferFromImageBitmap(bitmap);
    reply = { png: await canvas.convertToBlob({ type: 'image/png' }) };
  } catch (error) {
    reply = { error: error instanceof Error ? error.message : String(error) };
  }
  self.postMessage(reply);
};
