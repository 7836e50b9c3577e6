import { describe, expect, it } from 'vitest'
import { folderPicker, recordingOpener } from '../../../src/renderer/src/lib/native-dialogs'

/** A shell that records each request and answers with `answer`. */
function shellAnswering(answer: unknown) {
  const asked: { name: string; arg: unknown }[] = []
  const env = {
    tesseraShell: {
      request: (async (name: string, arg: unknown) => {
        asked.push({ name, arg })
        return answer
      }) as never,
    },
  }
  return { env, asked }
}

describe('folderPicker', () => {
  it('is absent in a browser, where no native picker exists', () => {
    expect(folderPicker({})).toBeNull()
    expect(folderPicker({ tesseraShell: {} })).toBeNull()
  })

  it('asks the shell, starting in the field when it holds an absolute path, and gives back the folder chosen', async () => {
    const { env, asked } = shellAnswering('/home/ana/Incoming')
    const pick = folderPicker(env)!
    expect(await pick('  /home/ana/Downloads ')).toBe('/home/ana/Incoming')
    expect(await pick('C:\\Users\\ana')).toBe('/home/ana/Incoming')
    expect(asked).toEqual([
      { name: 'shell.chooseFolder', arg: { current: '/home/ana/Downloads' } },
      { name: 'shell.chooseFolder', arg: { current: 'C:\\Users\\ana' } },
    ])
  })

  it('starts nowhere in particular for an empty or relative field, and passes a cancel on as null', async () => {
    const { env, asked } = shellAnswering(null)
    const pick = folderPicker(env)!
    expect(await pick('')).toBeNull()
    expect(await pick('Downloads')).toBeNull()
    expect(asked).toEqual([
      { name: 'shell.chooseFolder', arg: {} },
      { name: 'shell.chooseFolder', arg: {} },
    ])
  })
})

describe('recordingOpener', () => {
  it('is absent in a browser, where a picked file is copied to the host instead', () => {
    expect(recordingOpener({})).toBeNull()
  })

  it('asks the shell to open one with nothing of its own to say, and gives back the player or null', async () => {
    const info = { playerId: 'p1', name: 'demo.fbs', durationMs: 5000, width: 640, height: 480 }
    const { env, asked } = shellAnswering(info)
    expect(await recordingOpener(env)!()).toEqual(info)
    expect(asked).toEqual([{ name: 'shell.openRecordingFile', arg: undefined }])
    expect(await recordingOpener(shellAnswering(null).env)!()).toBeNull()
  })
})
