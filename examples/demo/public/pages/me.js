// Who am I: GET /auth/me (api() refreshes once if the access token has expired).
import { api } from '../lib/api.js'
import { showMessage } from '../lib/ui.js'

const list = document.getElementById('user')
const result = await api('GET', '/me')
if (result.ok) {
  const { user } = result.data
  const rows = [
    ['Email', user.email],
    ['Name', user.name ?? '—'],
    ['Roles', user.roles.join(', ')],
    ['Email verified', user.emailVerified ? 'yes' : 'no'],
    ['Two-factor sign-in', user.mfaEnabled ? 'on' : 'off'],
    ['Member since', new Date(user.createdAt).toLocaleString()],
    ['User id', user.id],
  ]
  for (const [term, value] of rows) {
    const dt = document.createElement('dt')
    dt.textContent = term
    const dd = document.createElement('dd')
    dd.textContent = value
    list.append(dt, dd)
  }
  list.hidden = false
} else if (result.status === 401) {
  document.getElementById('anonymous').hidden = false
} else {
  showMessage(result.error.message)
}
