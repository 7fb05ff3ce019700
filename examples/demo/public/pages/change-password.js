// Change password: POST /auth/password/change re-checks the current password, signs every other session out
// and sets fresh cookies for this one.
import { api } from '../lib/api.js'
import { bindForm, showMessage, showPasswordPolicy } from '../lib/ui.js'

const form = document.getElementById('form')
const me = await api('GET', '/me')
if (me.status === 401) {
  document.getElementById('anonymous').hidden = false
} else if (!me.ok) {
  showMessage(me.error.message)
} else {
  // With two-factor sign-in on, the server also asks for a current code.
  const mfaEnabled = me.data.user.mfaEnabled
  const codeField = document.getElementById('code-field')
  codeField.hidden = !mfaEnabled
  form.elements.namedItem('code').required = mfaEnabled
  form.hidden = false
  showPasswordPolicy(form)
  bindForm(form, {
    submit: ({ currentPassword, newPassword, code }) =>
      api('POST', '/password/change', {
        currentPassword,
        newPassword,
        ...(mfaEnabled ? { code: code.trim() } : {}),
      }),
    onSuccess: () => {
      form.reset()
      form.hidden = true
      document.getElementById('done').hidden = false
    },
  })
}
