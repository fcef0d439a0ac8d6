// The type the web app and the command line import to talk to the server.
export type { AppRouter } from './api/router.ts';
