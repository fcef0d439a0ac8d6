import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Clouds, UnknownCloud } from './clouds.ts';

const dir = mkdtempSync(join(tmpdir(), 'hearth-clouds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the clouds a server offers', () => {
  it('lists clouds.yaml’s usable clouds by name, region and Keystone address, never their secrets; OS_CLOUD picks nothing', () => {
    writeFileSync(
      join(dir, 'clouds.yaml'),
      `clouds:
  prod: {auth: {auth_url: 'https://keystone.example:5000/v3', username: alice, project_name: web}, region_name: RegionTwo}
  half: {region_name: nowhere}
`,
    );
    writeFileSync(join(dir, 'secure.yaml'), 'clouds:\n  prod: {auth: {password: s3cret-pass}}\n');
    const clouds = new Clouds({ OS_CLOUD: 'prod' }, [dir]);
    const listed = clouds.list();
    expect(listed).toEqual([{ name: 'prod', region: 'RegionTwo', authUrl: 'https://keystone.example:5000/v3' }]);
    expect(JSON.stringify(listed)).not.toContain('s3cret');
    expect(() => clouds.heat('nowhere')).toThrow(UnknownCloud);
  });

  it('does not lay the server’s OS_* variables over a named cloud (they would send its password elsewhere)', () => {
    const clouds = new Clouds({ OS_AUTH_URL: 'http://other:5000/v3', OS_PASSWORD: 'not-for-prod' }, [dir]);
    expect(clouds.list()).toEqual([
      { name: 'prod', region: 'RegionTwo', authUrl: 'https://keystone.example:5000/v3' },
      { name: 'envvars', region: null, authUrl: 'http://other:5000/v3' },
    ]);
  });

  it('offers the OS_* variables alone as "envvars"', () => {
    const clouds = new Clouds({ OS_AUTH_URL: 'http://k:5000/v3', OS_USERNAME: 'u', OS_PASSWORD: 'p', OS_PROJECT_NAME: 'p' }, [
      join(dir, 'none'),
    ]);
    expect(clouds.list()).toEqual([{ name: 'envvars', region: null, authUrl: 'http://k:5000/v3' }]);
  });
});
