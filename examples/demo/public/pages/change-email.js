// Change email: POST /auth/email/change (with the password) mails a confirmation link to the new address;
// the change happens when that link is opened (confirm-email-change.js).
import { api } from '../lib/api.js'
import { bindForm, showMessage } from '../lib/ui.js'

const form = document.getElementById('form')
const me = await api('GET', '/me')
if (me.status === 401) {
  document.getElementById('anonymous').hidden = false
} else if (!me.ok) {
  showMessage(me.error.message)
} else {
  document.getElementById('current-email').textContent = me.data.user.email
  document.getElementById('current').hidden = false
  form.hidden = false
  bindForm(form, {
    submit: ({ newEmail, password }) => api('POST', '/email/change', { newEmail: newEmail.trim(), password }),
    onSuccess: (_result, { newEmail }) => {
      form.reset()
      form.hidden = true
      document.getElementById('current').hidden = true
      document.getElementById('done').hidden = false
      const mailbox = document.getElementById('mailbox')
      mailbox.href = `/dev/mail?to=${encodeURIComponent(newEmail.trim())}`
      mailbox.textContent = mailbox.href
    },
  })
}
