// A TextEncoderStream that encodes each chunk in one call. Node 20's own
// walks every chunk one character at a time in JavaScript, building a new
// string (to carry a high surrogate split across chunks), which costs about
// 70 ns a character: tRPC pipes every event stream through it, so a
// deployment's events cost the server more to encode than to produce.
// TextEncoder already writes a lone surrogate as U+FFFD, as the encoding
// standard asks; only a high surrogate at a chunk's end waits for the next.

const REPLACEMENT = new Uint8Array([0xef, 0xbf, 0xbd]);

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

export class ChunkTextEncoderStream extends TransformStream<string, Uint8Array> {
  readonly encoding = 'utf-8';

  constructor() {
    const encoder = new TextEncoder();
    /** A high surrogate that ended the last chunk (its low half may start the next one). */
    let pending = '';
    super({
      transform(chunk, controller) {
        let text = pending + String(chunk);
        pending = '';
        if (isHighSurrogate(text.charCodeAt(text.length - 1))) {
          pending = text.slice(-1);
          text = text.slice(0, -1);
        }
        if (text) controller.enqueue(encoder.encode(text));
      },
      flush(controller) {
        if (pending) controller.enqueue(REPLACEMENT.slice());
      },
    });
  }
}

/** Puts ChunkTextEncoderStream in place of the runtime's TextEncoderStream, for every stream the process makes. */
export function useChunkTextEncoderStream(): void {
  globalThis.TextEncoderStream = ChunkTextEncoderStream as unknown as typeof TextEncoderStream;
}
