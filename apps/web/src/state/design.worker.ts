// The design's reader (@hearth/design/reader) in a Web Worker: typed text is
// analysed and its graph derived here, off the page's thread.
import { serveReader } from '@hearth/design/reader';

// Requests that arrive while one is read are read together, after it.
serveReader(
  self,
  (task) => setTimeout(task, 0),
  () => performance.now(),
);
