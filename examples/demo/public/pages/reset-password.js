// The reset mail links here with ?token=…; POST /auth/password/reset sets the new password.
import { api } from '../lib/api.js'
import { bindForm, showMessage, showPasswordPolicy, tokenFromUrl } from '../lib/ui.js'

const form = document.getElementById('form')
const token = tokenFromUrl()
if (token === null) {
  form.hidden = true
  showMessage('This page needs the link from your password reset mail (it carries a token).')
} else {
  window.history.replaceState(null, '', window.location.pathname)
  showPasswordPolicy(form)
  bindForm(form, {
    submit: ({ password }) => api('POST', '/password/reset', { token, password }),
    onSuccess: () => {
      form.hidden = true
      document.getElementById('done').hidden = false
    },
  })
}
