import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { createClient } from '../../shared/contract/client'
import { App } from './components/App'
import { createFerryStore } from './store/store'
import { FerryStoreContext } from './store/use-ferry'
import { createTransport } from './transport'
import './styles/app.css'

const transport = createTransport()
const store = createFerryStore(createClient(transport.bridge), {
  connection: transport.connection.connection,
})
transport.connection.onConnection((state) => store.getState().setConnection(state))
store.getState().start()

const root = document.getElementById('root')
if (!root) throw new Error('index.html has no #root element')
createRoot(root).render(
  <StrictMode>
    <FerryStoreContext.Provider value={store}>
      <App onRetryConnection={() => transport.connection.retryNow()} />
    </FerryStoreContext.Provider>
  </StrictMode>,
)
