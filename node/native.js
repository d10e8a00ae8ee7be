'use strict'
// Loads the native addon: from this folder when it was built here (`npm run build` in a
// clone), otherwise from the platform package npm installed through optionalDependencies
// (@sinch-auth/node-<platform>, napi-rs's usual layout). Nothing is compiled at install time.
const fs = require('node:fs')
const path = require('node:path')

const PACKAGE = '@sinch-auth/node'

function isMusl () {
  // glibc's runtime version is in the process report; musl has none.
  const report = typeof process.report?.getReport === 'function' ? process.report.getReport() : null
  return !report?.header?.glibcVersionRuntime
}

/** The napi-rs platform name of this process: linux-x64-gnu, darwin-arm64, win32-x64-msvc, … */
function platformName () {
  const { platform, arch } = process
  if (platform === 'linux') return `linux-${arch}-${isMusl() ? 'musl' : 'gnu'}`
  if (platform === 'win32') return `win32-${arch}-msvc`
  return `${platform}-${arch}`
}

function load () {
  const name = platformName()
  const local = path.join(__dirname, `sinch-auth.${name}.node`)
  if (fs.existsSync(local)) return require(local)
  const pkg = `${PACKAGE}-${name}`
  try {
    return require(pkg)
  } catch (e) {
    if (e && e.code !== 'MODULE_NOT_FOUND') throw e
    const err = new Error(
      `${PACKAGE}: no native addon for this platform (${name}). ` +
      `The package ${pkg} was not installed: npm skips optional dependencies with ` +
      '`--omit=optional` or `--no-optional`, and lockfiles made on another platform leave them out. ' +
      `Install it with \`npm install ${pkg}\`, or reinstall without those flags. ` +
      `If ${name} is not among the published platforms, build from a clone with a Rust toolchain ` +
      '(`npm install && npm run build`).')
    err.code = 'SINCH_AUTH_NO_NATIVE_ADDON'
    err.platform = name
    throw err
  }
}

module.exports = load()
