// The layout's "Log out" button: POST /auth/logout revokes this session and clears its cookies.
import { api } from './lib/api.js'
import { showMessage } from './lib/ui.js'

document.getElementById('logout')?.addEventListener('click', async () => {
  const result = await api('POST', '/logout')
  // Not signed in (401) ends in the same place as a successful logout.
  if (result.ok || result.status === 401) window.location.assign('/login?loggedOut=1')
  else showMessage(result.error.message)
})
