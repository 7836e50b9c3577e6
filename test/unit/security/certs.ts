import { spawnSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'

export interface TestKeyPair {
  cert: string
  key: string
  der: Uint8Array
  sha256: string
}

export interface TestCerts {
  /** A private CA, and its certificate as PEM text for `ca` options. */
  ca: TestKeyPair
  /** Signed by the CA, names localhost and 127.0.0.1. */
  localhost: TestKeyPair
  /** Signed by the CA, names only otherhost. */
  other: TestKeyPair
  /** Two different self-signed certificates for localhost. */
  selfA: TestKeyPair
  selfB: TestKeyPair
}

export const opensslAvailable = (process.env.PATH ?? '').split(delimiter).some((d) => d !== '' && existsSync(join(d, 'openssl')))

let made: TestCerts | null = null

function openssl(dir: string, args: string[]): void {
  const res = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' })
  if (res.status !== 0) throw new Error(`openssl ${args[0]} failed: ${res.stderr}`)
}

function pair(dir: string, name: string): TestKeyPair {
  const cert = readFileSync(join(dir, `${name}.pem`), 'utf8')
  const x = new X509Certificate(cert)
  return { cert, key: readFileSync(join(dir, `${name}-key.pem`), 'utf8'), der: Uint8Array.from(x.raw), sha256: x.fingerprint256 }
}

/** Certificates for TLS tests, made once per process with the openssl CLI (P-256 keys: fast). */
export function testCerts(): TestCerts {
  if (made) return made
  const dir = mkdtempSync(join(tmpdir(), 'tessera-certs-'))
  try {
    const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
    openssl(dir, ['req', '-x509', ...key, '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '36500', '-subj', '/CN=Tessera Test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'])
    for (const [name, cn, san] of [['localhost', 'localhost', 'DNS:localhost,IP:127.0.0.1'], ['other', 'otherhost', 'DNS:otherhost']]) {
      writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`)
      openssl(dir, ['req', ...key, '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`])
      openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial',
        '-out', `${name}.pem`, '-days', '36500', '-extfile', `${name}.ext`])
    }
    for (const name of ['selfA', 'selfB']) {
      openssl(dir, ['req', '-x509', ...key, '-keyout', `${name}-key.pem`, '-out', `${name}.pem`, '-days', '36500',
        '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'])
    }
    made = { ca: pair(dir, 'ca'), localhost: pair(dir, 'localhost'), other: pair(dir, 'other'), selfA: pair(dir, 'selfA'), selfB: pair(dir, 'selfB') }
    return made
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
