// Small DOM helpers shared by the pages. Text from the server is set with textContent, never as HTML.
import { api } from './api.js'

/** Shows `text` in the page's message box, with an optional list below it; kind 'error' or 'ok'. Null hides it. */
export function showMessage(text, kind = 'error', items = []) {
  const box = document.getElementById('message')
  if (!box) return
  box.hidden = text === null
  box.className = `message ${kind}`
  const list = document.createElement('ul')
  list.append(
    ...items.map((item) => {
      const li = document.createElement('li')
      li.textContent = item
      return li
    }),
  )
  box.replaceChildren(text ?? '', ...(items.length > 0 ? [list] : []))
}

/** The named fields of a form as an object (checkboxes as booleans). */
export function formValues(form) {
  const values = {}
  for (const element of form.elements) {
    if (!element.name) continue
    values[element.name] = element.type === 'checkbox' ? element.checked : element.value
  }
  return values
}

/** "42 s" under a minute, "29:59" above (a lockout's Retry-After is half an hour). */
export function readableSeconds(seconds) {
  if (seconds < 60) return `${seconds} s`
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`
}

/**
 * Disables `button` for `seconds`, showing the time left in its label, then restores it.
 * @param {HTMLButtonElement} button
 * @param {number} seconds
 */
export function countdown(button, seconds, label = (s) => `Try again in ${readableSeconds(s)}`) {
  const original = button.dataset.label ?? button.textContent
  button.dataset.label = original
  button.disabled = true
  let left = Math.max(1, Math.ceil(seconds))
  button.textContent = label(left)
  const timer = setInterval(() => {
    left -= 1
    if (left > 0) {
      button.textContent = label(left)
      return
    }
    clearInterval(timer)
    button.disabled = false
    button.textContent = original
    delete button.dataset.label
  }, 1000)
}

/**
 * Shows a failed call: its error message, the broken password rules if any, and for 429 and 423 a countdown
 * on `button` from Retry-After. Returns the error code.
 */
export function showFailure(result, button) {
  const { error } = result
  // PASSWORD_POLICY and VALIDATION_FAILED list what was wrong in `details`, each with a message.
  const items = Array.isArray(error.details) ? error.details.map((d) => d?.message).filter(Boolean) : []
  showMessage(error.message, 'error', items)
  if ((result.status === 429 || result.status === 423) && result.retryAfterSeconds > 0 && button)
    countdown(button, result.retryAfterSeconds)
  return error.code
}

/** Lists the password rules of GET /auth/password-policy under every `[data-policy-for]` list. */
export async function showPasswordPolicy(form) {
  const result = await api('GET', '/password-policy')
  if (!result.ok) return
  const { minLength, maxLength, rules } = result.data
  for (const list of form.querySelectorAll('[data-policy-for]')) {
    const input = form.elements.namedItem(list.dataset.policyFor)
    if (input) {
      input.minLength = minLength
      input.maxLength = maxLength
    }
    list.replaceChildren(
      ...rules.map((rule) => {
        const item = document.createElement('li')
        item.textContent = rule.message
        return item
      }),
    )
  }
}

/**
 * Wires a form: on submit, disables its button, runs `submit(values)` (which returns an ApiResult), then
 * calls `onSuccess(result, values)` or shows the failure. `onFailure` may handle a result first.
 */
export function bindForm(form, { submit, onSuccess, onFailure }) {
  const button = form.querySelector('button[type="submit"]')
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    if (button.disabled) return
    showMessage(null)
    button.disabled = true
    const values = formValues(form)
    const result = await submit(values)
    button.disabled = false
    if (result.ok) onSuccess(result, values)
    else if (!onFailure?.(result, values, button)) showFailure(result, button)
  })
}

/** The `token` query parameter of this page's URL, or null. */
export function tokenFromUrl() {
  const token = new URLSearchParams(window.location.search).get('token')
  return token === null || token === '' ? null : token
}

/** Where to go after signing in: the same-origin path in this page's `?next=`, else /me. */
export function afterLoginPath() {
  const next = new URLSearchParams(window.location.search).get('next')
  if (next === null || !next.startsWith('/')) return '/me'
  // Only a path on this origin: `//evil.example` or `/\evil.example` would leave the site.
  const url = new URL(next, window.location.origin)
  return url.origin === window.location.origin ? `${url.pathname}${url.search}${url.hash}` : '/me'
}
