// Runs a composable outside a component, the way its owner's setup would, and stops it after.
import { type EffectScope, effectScope } from 'vue'

/** Calls `setup` inside a fresh effect scope; `stop()` disposes it as an unmount would. */
export function inScope<T>(setup: () => T): { value: T; scope: EffectScope; stop(): void } {
  const scope = effectScope()
  const value = scope.run(setup)!
  return { value, scope, stop: () => scope.stop() }
}
