// @hearth/design: the designer without a browser. A DesignSession owns the
// template, its environment and files, one incremental analysis of them and
// the view model the canvas draws; the web app binds React to it.
export * from './view-model.ts';
export * from './layout.ts';
export * from './text-sink.ts';
export * from './document.ts';
export * from './session.ts';
export * from './reader.ts';
export * from './parameters.ts';
export * from './categories.ts';
export * from './svg.ts';
export * from './palette.ts';
export * from './property-edits.ts';
export * from './reference-targets.ts';
export * from './viewport.ts';
export * from './labels.ts';
export * from './routes.ts';
export * from './edge-layout.ts';
export * from './offscreen-routes.ts';
export * from './move-history.ts';
export * from './make-room.ts';
