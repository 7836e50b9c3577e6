import type { SecretStore } from '../../../src/main/host/secrets'

/**
 * A SecretStore in a Map that records every key read; `failing` makes reads throw, as a locked
 * keychain would. It stands in for a keychain (`protects`), unless a test says otherwise.
 */
export class MemorySecretStore implements SecretStore {
  readonly map = new Map<string, string>()
  readonly reads: string[] = []
  failing = false
  protects = true

  available(): boolean {
    return true
  }

  protected(): boolean {
    return this.protects
  }

  backend(): string {
    return 'memory'
  }

  async get(key: string): Promise<string | null> {
    this.reads.push(key)
    if (this.failing) throw new Error('keychain locked')
    return this.map.get(key) ?? null
  }

  async set(key: string, secret: string): Promise<void> {
    this.map.set(key, secret)
  }

  async delete(key: string): Promise<void> {
    this.map.delete(key)
  }
}
