import { describe, expect, it } from 'vitest';
import { ChunkTextEncoderStream } from './text-encoder-stream.ts';

/** Node's own TextEncoderStream, taken before any test could replace it. */
const NodeTextEncoderStream = globalThis.TextEncoderStream;

async function encodeAll(stream: TransformStream<string, Uint8Array>, chunks: string[]): Promise<number[]> {
  const writer = stream.writable.getWriter();
  const reading = (async () => {
    const out: number[] = [];
    for await (const bytes of stream.readable as unknown as AsyncIterable<Uint8Array>) out.push(...bytes);
    return out;
  })();
  for (const chunk of chunks) await writer.write(chunk);
  await writer.close();
  return reading;
}

/** A seeded generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

// Characters with one, two, three and four UTF-8 bytes, and halves of surrogate pairs on their own.
const ALPHABET = ['a', 'é', '€', '😀', '\ud83d', '\ude00', '"', '\n'];

describe('ChunkTextEncoderStream', () => {
  it('writes the same bytes as the runtime’s TextEncoderStream, however the text is split', async () => {
    const next = random(7);
    for (let round = 0; round < 300; round++) {
      const chunks = Array.from({ length: 1 + Math.floor(next() * 6) }, () =>
        Array.from({ length: Math.floor(next() * 6) }, () => ALPHABET[Math.floor(next() * ALPHABET.length)]!).join(''),
      );
      const ours = await encodeAll(new ChunkTextEncoderStream(), chunks);
      const theirs = await encodeAll(new NodeTextEncoderStream(), chunks);
      expect(ours, JSON.stringify(chunks)).toEqual(theirs);
    }
  });

  it('joins a surrogate pair split across chunks, and writes U+FFFD for a high surrogate left at the end', async () => {
    expect(await encodeAll(new ChunkTextEncoderStream(), ['x\ud83d', '\ude00y'])).toEqual([...new TextEncoder().encode('x😀y')]);
    expect(await encodeAll(new ChunkTextEncoderStream(), ['x\ud83d'])).toEqual([0x78, 0xef, 0xbf, 0xbd]);
    expect(await encodeAll(new ChunkTextEncoderStream(), ['\ud83d', '', 'z'])).toEqual([0xef, 0xbf, 0xbd, 0x7a]);
  });
});
