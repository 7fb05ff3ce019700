// Two-factor sign-in: GET /auth/mfa for the state; POST /auth/mfa/totp/setup and /enable to turn it on (the
// backup codes are shown once); POST /auth/mfa/backup-codes, DELETE /auth/mfa/trusted-devices/:id and
// POST /auth/mfa/totp/disable to manage it.
import { api } from '../lib/api.js'
import { bindForm, showMessage } from '../lib/ui.js'

const $ = (id) => document.getElementById(id)

function cell(text) {
  const td = document.createElement('td')
  td.textContent = text
  return td
}

/**
 * Shows the QR code. The SVG comes from our own server, but it is still parsed as an inert XML document and
 * only its paths are kept, so nothing in it could run; no innerHTML.
 */
function showQr(svgText) {
  const parsed = new DOMParser().parseFromString(svgText, 'image/svg+xml').documentElement
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg')
  svg.setAttribute('viewBox', parsed.getAttribute('viewBox') ?? '0 0 33 33')
  svg.setAttribute('shape-rendering', 'crispEdges')
  svg.setAttribute('role', 'img')
  svg.setAttribute('aria-label', 'QR code for your authenticator app')
  for (const path of parsed.querySelectorAll('path')) {
    const copy = document.createElementNS('http://www.w3.org/2000/svg', 'path')
    for (const name of ['d', 'fill', 'stroke'])
      if (path.hasAttribute(name)) copy.setAttribute(name, path.getAttribute(name))
    svg.append(copy)
  }
  $('qr').replaceChildren(svg)
}

function showCodes(codes) {
  $('codes').replaceChildren(
    ...codes.map((code) => {
      const li = document.createElement('li')
      const text = document.createElement('code')
      text.textContent = code
      li.append(text)
      return li
    }),
  )
  $('codes-card').hidden = false
  $('on').hidden = true
  $('setup-card').hidden = true
}

function deviceRow(device) {
  const when = (iso) => new Date(iso).toLocaleString()
  const tr = document.createElement('tr')
  tr.append(cell(when(device.createdAt)), cell(when(device.lastUsedAt)), cell(device.userAgent ?? '—'))
  const action = document.createElement('td')
  const button = document.createElement('button')
  button.type = 'button'
  button.textContent = 'Revoke'
  button.addEventListener('click', async () => {
    button.disabled = true
    const result = await api('DELETE', `/mfa/trusted-devices/${encodeURIComponent(device.id)}`)
    if (!result.ok) {
      button.disabled = false
      showMessage(result.error.message)
      return
    }
    showMessage('That browser asks for a code again from its next login.', 'ok')
    await load()
  })
  action.append(button)
  tr.append(action)
  return tr
}

async function load() {
  const result = await api('GET', '/mfa')
  if (result.status === 401) {
    $('anonymous').hidden = false
    return
  }
  if (!result.ok) {
    showMessage(result.error.message)
    return
  }
  const { totpEnabled, backupCodesRemaining, trustedDevices } = result.data
  $('state-text').textContent = totpEnabled ? 'on' : 'off'
  $('state').hidden = false
  $('off').hidden = totpEnabled
  $('on').hidden = !totpEnabled
  $('remaining').textContent = `Backup codes left: ${backupCodesRemaining}.`
  $('devices')
    .querySelector('tbody')
    .replaceChildren(...trustedDevices.map(deviceRow))
  $('devices').hidden = trustedDevices.length === 0
  $('no-devices').hidden = trustedDevices.length > 0
}

$('setup').addEventListener('click', async () => {
  $('setup').disabled = true
  const result = await api('POST', '/mfa/totp/setup')
  $('setup').disabled = false
  if (!result.ok) {
    showMessage(result.error.message)
    return
  }
  showQr(result.data.qrSvg)
  $('secret').textContent = result.data.secret
  $('off').hidden = true
  $('setup-card').hidden = false
})

bindForm($('enable-form'), {
  submit: ({ code }) => api('POST', '/mfa/totp/enable', { code: code.trim() }),
  onSuccess: (result) => {
    $('enable-form').reset()
    showMessage('Two-factor sign-in is on.', 'ok')
    showCodes(result.data.backupCodes)
  },
})

bindForm($('regenerate-form'), {
  submit: ({ password, code }) => api('POST', '/mfa/backup-codes', { password, code: code.trim() }),
  onSuccess: (result) => {
    $('regenerate-form').reset()
    showMessage('New backup codes: the old ones no longer work.', 'ok')
    showCodes(result.data.backupCodes)
  },
})

bindForm($('disable-form'), {
  submit: ({ password, code }) => api('POST', '/mfa/totp/disable', { password, code: code.trim() }),
  onSuccess: async () => {
    $('disable-form').reset()
    showMessage('Two-factor sign-in is off; trusted browsers were forgotten.', 'ok')
    await load()
  },
})

$('codes-done').addEventListener('click', async () => {
  $('codes').replaceChildren()
  $('codes-card').hidden = true
  await load()
})

await load()
