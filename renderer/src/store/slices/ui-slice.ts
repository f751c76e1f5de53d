import type { ConnectionState } from '../../transport/connection-state'
import type { SliceCreator, UiSlice } from '../types'

export const createUiSlice =
  (initialConnection: ConnectionState): SliceCreator<UiSlice> =>
  (set, get) => ({
    screen: 'checklist',
    selectedStepId: null,
    connection: initialConnection,
    initError: null,
    initializing: false,
    everOpened: initialConnection.kind === 'open',
    evidenceWide: false,

    setEvidenceWide(wide) {
      set({ evidenceWide: wide })
    },

    setScreen(screen) {
      set({ screen })
    },

    selectStep(stepId) {
      set({ selectedStepId: stepId })
    },

    setConnection(connection) {
      const { connection: previous, everOpened, initializing, appInfo } = get()
      set({ connection })
      if (connection.kind !== 'open' || previous.kind === 'open') return
      set({ everOpened: true })
      // Back after a drop: the backend holds the truth (a step may have finished meanwhile).
      if (everOpened || (!initializing && appInfo === null)) void get().init()
    },
  })
