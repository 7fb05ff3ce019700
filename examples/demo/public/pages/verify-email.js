// The verification mail links here with ?token=…; the token is spent by POST /auth/verify-email.
import { api } from '../lib/api.js'
import { showMessage, tokenFromUrl } from '../lib/ui.js'

const token = tokenFromUrl()
const working = document.getElementById('working')
if (token === null) {
  working.hidden = true
  showMessage('This page needs the link from your verification mail (it carries a token).')
} else {
  // Drop the token from the address bar and history: it is single use, and no longer needed once sent.
  window.history.replaceState(null, '', window.location.pathname)
  const result = await api('POST', '/verify-email', { token })
  working.hidden = true
  if (result.ok) document.getElementById('verified').hidden = false
  else showMessage(result.error.message)
}
