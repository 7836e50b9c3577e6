import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import { runCli as run } from '../../helpers/cli-in-process'
import { listenArg } from '../../../src/main/cli/proxy'
import { UsageError } from '../../../src/main/cli/args'

describe('CLI: repeaters, Unix sockets and the proxy', () => {
  it('names every way to connect in its usage', async () => {
    const usage = (await run(['--help'])).out.join('\n')
    expect(usage).toMatch(/unix:\/path/)
    expect(usage).toMatch(/proxy LISTEN TARGET/)
    // The options themselves are in each command's own help.
    expect((await run(['help', 'probe'])).out.join('\n')).toMatch(/--repeater HOST\[:PORT\]/)
    expect((await run(['proxy', '--help'])).out.join('\n')).toMatch(/--repeater HOST\[:PORT\]/)
  })

  it('refuses a repeater it cannot read, an ID without a repeater, and --repeater on listen', async () => {
    expect((await run(['probe', 'ID:12'])).err).toEqual([
      'tessera probe: ID:12 names a server at an UltraVNC repeater: give the repeater too (REPEATER:PORT/ID:12)',
    ])
    const bad = await run(['probe', 'ID:12', '--repeater', 'a b'])
    expect(bad.code).toBe(2)
    expect(bad.err[0]).toBe('tessera probe: --repeater: no valid host name in "a b"')
    expect((await run(['listen', 'x.png', '--repeater', 'r'])).err).toEqual([
      'tessera listen: --repeater is for connecting out; a listening viewer is reached directly',
    ])
  })

  it('says a repeater that greets like a VNC server is no repeater, exit 3', async () => {
    const server = createServer((s) => s.end('RFB 003.008\n'))
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const port = (server.address() as { port: number }).port
    try {
      const r = await run(['probe', 'ID:12', '--repeater', `127.0.0.1:${port}`, '--timeout', '3'])
      expect(r.code).toBe(3)
      expect(r.err).toEqual([`tessera probe: the repeater 127.0.0.1:${port} is a VNC server (it greets with RFB 003.008), not an UltraVNC repeater`])
    } finally {
      server.close()
    }
  })

  it('reads the proxy LISTEN as [host:]port or unix:/path', () => {
    expect(listenArg('5999')).toEqual({ host: '127.0.0.1', port: 5999 })
    expect(listenArg('0.0.0.0:5999')).toEqual({ host: '0.0.0.0', port: 5999 })
    expect(listenArg('[::1]:5999')).toEqual({ host: '::1', port: 5999 })
    expect(listenArg('unix:/run/p.sock')).toEqual({ path: '/run/p.sock' })
    for (const bad of [undefined, 'x', '70000', 'h:']) expect(() => listenArg(bad)).toThrow(UsageError)
  })
})
