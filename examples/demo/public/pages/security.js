// Security overview: who is signed in (GET /auth/me) and links to the pages that manage the account.
import { api } from '../lib/api.js'
import { showMessage } from '../lib/ui.js'

const result = await api('GET', '/me')
if (result.ok) {
  const { user } = result.data
  document.getElementById('email').textContent = user.email
  document.getElementById('mfa-state').textContent = user.mfaEnabled ? 'on' : 'off'
  document.getElementById('signed-in').hidden = false
} else if (result.status === 401) {
  document.getElementById('anonymous').hidden = false
} else {
  showMessage(result.error.message)
}
