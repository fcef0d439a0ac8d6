import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloudConfigError, cloudNames, loadCloud } from './clouds.ts';

let root: string;
let dirs: string[];
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'hearth-clouds-'));
  dirs = [join(root, 'cwd'), join(root, 'home', '.config', 'openstack'), join(root, 'etc')];
  for (const d of dirs) mkdirSync(d, { recursive: true });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const CLOUDS = `clouds:
  mycloud:
    auth:
      auth_url: https://keystone.example:5000/v3
      username: alice
      project_name: web
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionTwo
    interface: internal
    cacert: /etc/ssl/cloud-ca.pem
  appcred:
    auth_type: v3applicationcredential
    auth:
      auth_url: https://keystone.example:5000
      application_credential_id: abc
      application_credential_secret: s3cret
    verify: false
`;

describe('clouds as the openstack CLI reads them', () => {
  it('reads clouds.yaml from the first standard place, with secure.yaml merged over it', () => {
    writeFileSync(join(dirs[1]!, 'clouds.yaml'), CLOUDS);
    writeFileSync(join(dirs[1]!, 'secure.yaml'), 'clouds:\n  mycloud:\n    auth:\n      password: hunter2\n');
    writeFileSync(join(dirs[2]!, 'clouds.yaml'), 'clouds:\n  other: {auth: {auth_url: http://x}}\n');
    expect(cloudNames({}, dirs)).toEqual(['mycloud', 'appcred']);
    expect(loadCloud('mycloud', {}, dirs)).toEqual({
      name: 'mycloud',
      authType: 'password',
      authUrl: 'https://keystone.example:5000/v3',
      username: 'alice',
      password: 'hunter2',
      projectName: 'web',
      userDomainName: 'Default',
      projectDomainName: 'Default',
      regionName: 'RegionTwo',
      interface: 'internal',
      cacert: '/etc/ssl/cloud-ca.pem',
      insecure: false,
    });
    expect(loadCloud('appcred', {}, dirs)).toMatchObject({
      authType: 'v3applicationcredential',
      applicationCredentialId: 'abc',
      applicationCredentialSecret: 's3cret',
      insecure: true,
    });
  });

  it('takes the cloud from OS_CLOUD, lets OS_* variables override it, and works from OS_* alone', () => {
    writeFileSync(join(dirs[0]!, 'clouds.yaml'), CLOUDS);
    expect(loadCloud(undefined, { OS_CLOUD: 'mycloud', OS_PASSWORD: 'pw', OS_REGION_NAME: 'RegionOne' }, dirs)).toMatchObject({
      name: 'mycloud',
      password: 'pw',
      regionName: 'RegionOne',
    });
    expect(
      loadCloud(undefined, { OS_AUTH_URL: 'http://127.0.0.1:5000/v3', OS_USERNAME: 'demo', OS_PASSWORD: 'x', OS_TENANT_NAME: 'demo' }, []),
    ).toMatchObject({ name: 'envvars', authType: 'password', username: 'demo', projectName: 'demo', interface: 'public' });
    expect(loadCloud(undefined, { OS_AUTH_URL: 'http://k/v3', OS_TOKEN: 't', OS_PROJECT_ID: 'p' }, [])).toMatchObject({
      authType: 'token',
      token: 't',
      projectId: 'p',
    });
  });

  it('says what is wrong: an unknown cloud (naming those there are), no auth_url, an auth type Hearth does not speak', () => {
    writeFileSync(join(dirs[0]!, 'clouds.yaml'), CLOUDS);
    expect(() => loadCloud('nope', {}, dirs)).toThrow(
      new CloudConfigError(`There is no cloud named nope: ${join(dirs[0]!, 'clouds.yaml')} has mycloud, appcred.`),
    );
    expect(() => loadCloud(undefined, {}, [])).toThrow('Cloud envvars: no auth_url (clouds.yaml auth.auth_url or OS_AUTH_URL).');
    expect(() => loadCloud(undefined, { OS_AUTH_URL: 'http://k', OS_AUTH_TYPE: 'v3oidcpassword' }, [])).toThrow(
      'auth_type v3oidcpassword is not one Hearth supports',
    );
  });
});
