export * from './clouds.ts';
export * from './keystone.ts';
export * from './heat.ts';
export * from './watcher.ts';
