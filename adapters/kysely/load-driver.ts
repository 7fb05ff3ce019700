/**
 * Imports an optional peer dependency (a database driver) by name, or throws an error that names the package
 * to install. `factory` is the call that needed it, for the message.
 */
export async function loadOptionalDriver<T>(name: string, factory: string): Promise<T> {
  try {
    // A variable specifier keeps bundlers and the type checker from requiring the optional package.
    const specifier = name
    return (await import(specifier)) as T
  } catch (error) {
    throw new Error(`portcullis: ${factory} needs the "${name}" package; install it (npm install ${name})`, {
      cause: error,
    })
  }
}
