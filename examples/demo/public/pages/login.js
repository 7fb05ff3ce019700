// Log in with cookie transport: on success the tokens are HttpOnly cookies and the page moves on to /me.
import { api } from '../lib/api.js'
import { afterLoginPath, bindForm, countdown, showFailure, showMessage } from '../lib/ui.js'

const RESEND_COOLDOWN_SECONDS = 60
const form = document.getElementById('form')
const mfaForm = document.getElementById('mfa-form')
let mfaToken = ''
const banner = document.getElementById('unverified')
const resend = document.getElementById('resend')
let unverifiedEmail = ''

if (new URLSearchParams(window.location.search).has('loggedOut')) showMessage('You are logged out.', 'ok')

bindForm(form, {
  submit: ({ email, password, rememberMe }) => api('POST', '/login', { email, password, rememberMe }),
  onSuccess: (result) => {
    if (result.data.mfaRequired) {
      // The second step: the challenge token lives a few minutes and is spent by the first right code.
      mfaToken = result.data.mfaToken
      form.hidden = true
      mfaForm.hidden = false
      mfaForm.elements.namedItem('code').focus()
      return
    }
    window.location.assign(afterLoginPath())
  },
  onFailure: (result, { email }) => {
    banner.hidden = result.error?.code !== 'EMAIL_NOT_VERIFIED'
    if (!banner.hidden) unverifiedEmail = email
    return false
  },
})

bindForm(mfaForm, {
  submit: ({ code, trustDevice }) => api('POST', '/login/mfa', { mfaToken, code: code.trim(), trustDevice }),
  onSuccess: () => window.location.assign(afterLoginPath()),
  onFailure: () => {
    // A wrong code keeps the challenge: clear the field for the next try and show the message.
    mfaForm.elements.namedItem('code').value = ''
    return false
  },
})

resend.addEventListener('click', async () => {
  resend.disabled = true
  const result = await api('POST', '/verify-email/resend', { email: unverifiedEmail })
  resend.disabled = false
  if (!result.ok) {
    showFailure(result, resend)
    return
  }
  showMessage('If the account still needs it, a new verification mail is on its way.', 'ok')
  // A cooldown on the button: the server caps resends per day, and a second click rarely helps.
  countdown(resend, RESEND_COOLDOWN_SECONDS, (s) => `Sent. You can ask again in ${s} s`)
})
