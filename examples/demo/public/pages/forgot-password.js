// Forgot password: POST /auth/password/forgot answers 202 for any address, so the page cannot tell either.
import { api } from '../lib/api.js'
import { bindForm } from '../lib/ui.js'

const form = document.getElementById('form')
bindForm(form, {
  submit: ({ email }) => api('POST', '/password/forgot', { email }),
  onSuccess: () => {
    form.hidden = true
    document.getElementById('done').hidden = false
  },
})
