// My sessions: GET /auth/sessions, and DELETE /auth/sessions/:id to revoke one.
import { api } from '../lib/api.js'
import { showMessage } from '../lib/ui.js'

const table = document.getElementById('sessions')
const body = table.querySelector('tbody')

function cell(text) {
  const td = document.createElement('td')
  td.textContent = text
  return td
}

function row(session) {
  const tr = document.createElement('tr')
  const when = (iso) => new Date(iso).toLocaleString()
  tr.append(cell(when(session.createdAt)), cell(when(session.lastUsedAt)), cell(session.ip ?? '—'))
  tr.append(cell(session.userAgent ?? '—'))
  const action = document.createElement('td')
  const button = document.createElement('button')
  button.type = 'button'
  button.textContent = session.current ? 'Revoke (this browser)' : 'Revoke'
  button.addEventListener('click', () => revoke(session, button))
  action.append(button)
  tr.append(action)
  return tr
}

async function revoke(session, button) {
  button.disabled = true
  const result = await api('DELETE', `/sessions/${encodeURIComponent(session.id)}`)
  if (!result.ok) {
    button.disabled = false
    showMessage(result.error.message)
    return
  }
  // Revoking the current session signs this browser out: its access token fails from the next request.
  if (session.current) window.location.assign('/login?loggedOut=1')
  else await load()
}

async function load() {
  const result = await api('GET', '/sessions')
  if (result.status === 401) {
    table.hidden = true
    document.getElementById('anonymous').hidden = false
    return
  }
  if (!result.ok) {
    showMessage(result.error.message)
    return
  }
  body.replaceChildren(...result.data.sessions.map(row))
  table.hidden = false
  showMessage(`${result.data.sessions.length} active session(s).`, 'ok')
}

await load()
