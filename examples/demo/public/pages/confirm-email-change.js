// The email-change mail links here with ?token=…; POST /auth/email/change/confirm needs the account that
// asked to be signed in, so a signed-out visitor logs in first and comes back here (login.js honours ?next=).
import { api } from '../lib/api.js'
import { showMessage, tokenFromUrl } from '../lib/ui.js'

// Kept in this tab's sessionStorage across the detour through /login, never in a URL or a cookie.
const KEY = 'portcullis-demo.email-change-token'
const working = document.getElementById('working')
const fromUrl = tokenFromUrl()
if (fromUrl !== null) {
  sessionStorage.setItem(KEY, fromUrl)
  window.history.replaceState(null, '', window.location.pathname)
}
const token = sessionStorage.getItem(KEY)

if (token === null) {
  working.hidden = true
  showMessage('This page needs the link from your email-change mail (it carries a token).')
} else {
  const result = await api('POST', '/email/change/confirm', { token })
  working.hidden = true
  if (result.status === 401) {
    document.getElementById('sign-in').hidden = false
  } else {
    // Spent or refused: either way the token is of no further use here.
    sessionStorage.removeItem(KEY)
    if (result.ok) {
      document.getElementById('new-email').textContent = result.data.user.email
      document.getElementById('confirmed').hidden = false
    } else {
      showMessage(result.error.message)
    }
  }
}
