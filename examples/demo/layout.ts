/** What a page of the demo needs to render: its content is static markup, its behaviour a script file. */
export interface PageSpec {
  title: string
  /** Static HTML of the page's main content (no user data: the scripts fill that in with textContent). */
  main: string
  /** The page's module in /static/pages/, or none for a page without behaviour. */
  script?: string
}

/** Escapes text for an HTML text node or a double-quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

const nav = [
  ['/', 'Home'],
  ['/register', 'Register'],
  ['/login', 'Log in'],
  ['/me', 'Me'],
  ['/sessions', 'Sessions'],
  ['/security', 'Security'],
  ['/forgot-password', 'Forgot password'],
] as const

/**
 * The one layout every page shares. The CSP allows scripts from this origin and scripts carrying this
 * response's nonce, so the behaviour lives in module files (tagged with the nonce too) and the markup has no
 * inline handlers; styles come from a same-origin file because the CSP has no nonce for styles.
 */
export function renderPage(
  page: PageSpec,
  options: { nonce: string; path: string; development: boolean },
): string {
  const nonce = escapeHtml(options.nonce)
  const links = nav
    .map(([href, label]) => {
      const current = href === options.path ? ' aria-current="page"' : ''
      return `<a href="${href}"${current}>${escapeHtml(label)}</a>`
    })
    .join('\n      ')
  const script = page.script
    ? `\n  <script type="module" nonce="${nonce}" src="/static/pages/${escapeHtml(page.script)}"></script>`
    : ''
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(page.title)} · portcullis demo</title>
  <link rel="icon" href="/static/favicon.svg">
  <link rel="stylesheet" href="/static/demo.css">
  <script type="module" nonce="${nonce}" src="/static/logout.js"></script>${script}
</head>
<body data-development="${options.development}">
  <header>
    <nav>
      <strong>portcullis demo</strong>
      ${links}
      <button type="button" id="logout" class="link">Log out</button>
    </nav>
  </header>
  <main>
    <h1>${escapeHtml(page.title)}</h1>
    <p id="message" class="message" role="alert" hidden></p>
${page.main.trim()}
  </main>
</body>
</html>
`
}
