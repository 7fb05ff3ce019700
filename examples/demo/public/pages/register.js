// Register: POST /auth/register answers 202 whether or not the address was free, so the page says the same.
import { api } from '../lib/api.js'
import { bindForm, showPasswordPolicy } from '../lib/ui.js'

const form = document.getElementById('form')
showPasswordPolicy(form)
bindForm(form, {
  submit: ({ email, name, password }) =>
    api('POST', '/register', { email, password, ...(name.trim() === '' ? {} : { name: name.trim() }) }),
  onSuccess: (_result, { email }) => {
    form.hidden = true
    document.getElementById('done').hidden = false
    const mailbox = document.getElementById('mailbox')
    mailbox.href = `/dev/mail?to=${encodeURIComponent(email.trim())}`
    mailbox.textContent = mailbox.href
  },
})
