import { describe, expect, it } from 'vitest';
import { hostOfHeader, RequestGate } from './gate.ts';

const loopback = new RequestGate({ host: '127.0.0.1' });

describe('the request gate', () => {
  it('reads Host headers as host names', () => {
    expect(hostOfHeader('127.0.0.1:8080')).toBe('127.0.0.1');
    expect(hostOfHeader('LocalHost.')).toBe('localhost');
    expect(hostOfHeader('[::1]:8080')).toBe('::1');
    expect(hostOfHeader('a b')).toBeNull();
    expect(hostOfHeader('user@evil:80')).toBeNull();
  });

  it('answers to the loopback names and the bound address', () => {
    for (const host of ['127.0.0.1:8080', 'localhost:8080', '[::1]:8080', 'localhost'])
      expect(loopback.check({ host }, 'api'), host).toBeNull();
    expect(new RequestGate({ host: '10.1.2.3' }).check({ host: '10.1.2.3:80' }, 'api')).toBeNull();
  });

  it('refuses any other name, for pages as for the API, saying how to allow it (DNS rebinding)', () => {
    for (const destination of ['page', 'api'] as const) {
      const refusal = loopback.check({ host: 'attacker.example:8080', origin: 'http://attacker.example:8080' }, destination);
      expect(refusal?.status).toBe(403);
      expect(refusal?.message).toContain('--allow-host attacker.example');
    }
    expect(loopback.check({}, 'page')?.status).toBe(400);
  });

  it('answers to names the operator allows, and to the public URL', () => {
    const gate = new RequestGate({ host: '127.0.0.1', publicUrl: 'https://hearth.example.org', allowHosts: ['builder.lan'] });
    expect(gate.check({ host: 'hearth.example.org' }, 'api')).toBeNull();
    expect(gate.check({ host: 'builder.lan:8080' }, 'api')).toBeNull();
    // A proxy that rewrites Host still serves pages whose origin is the public URL.
    expect(gate.check({ host: '127.0.0.1:8080', origin: 'https://hearth.example.org' }, 'api')).toBeNull();
  });

  it('lets only the server’s own pages call the API', () => {
    expect(loopback.check({ host: '127.0.0.1:8080', origin: 'http://127.0.0.1:8080' }, 'api')).toBeNull();
    // Another local web app (another port) is another origin.
    expect(loopback.check({ host: '127.0.0.1:8080', origin: 'http://127.0.0.1:3000' }, 'api')?.status).toBe(403);
    expect(loopback.check({ host: '127.0.0.1:8080', origin: 'http://localhost:8080' }, 'api')?.status).toBe(403);
    expect(loopback.check({ host: '127.0.0.1:8080', origin: 'null' }, 'api')?.status).toBe(403);
    expect(loopback.check({ host: '127.0.0.1:8080', origin: 'file://' }, 'api')?.status).toBe(403);
  });

  it('keeps requests a browser marks as another site’s away from the API, not from the pages', () => {
    for (const site of ['cross-site', 'same-site']) {
      const refusal = loopback.check({ host: '127.0.0.1:8080', 'sec-fetch-site': site }, 'api');
      expect(refusal?.status).toBe(403);
      expect(refusal?.message).toContain(site);
      expect(loopback.check({ host: '127.0.0.1:8080', 'sec-fetch-site': site }, 'page')).toBeNull();
    }
    for (const site of ['same-origin', 'none'])
      expect(loopback.check({ host: '127.0.0.1:8080', 'sec-fetch-site': site }, 'api')).toBeNull();
  });

  it('answers to every address of this machine when it listens on all of them', () => {
    const gate = new RequestGate({ host: '0.0.0.0' });
    expect(gate.allowedNames()).toContain('127.0.0.1');
    expect(gate.check({ host: 'attacker.example' }, 'api')?.status).toBe(403);
  });
});
