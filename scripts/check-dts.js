'use strict'
// The two .d.ts files against what they describe, after a build:
//  - node/index.d.ts (hand-written, shipped) declares exactly the package's runtime exports;
//  - the generated native.d.ts (napi build) declares exactly the addon's exports, and every
//    `native.<name>` the JS layer uses is one of them (none is left unused).
// Usage: node scripts/check-dts.js --native <dir holding native.d.ts and the .node addon>
//        node scripts/check-dts.js --package <an installed @sinch-auth/node>
const fs = require('node:fs')
const path = require('node:path')
const ts = require('typescript')

const root = path.join(__dirname, '..')
const [flag, dir] = process.argv.slice(2)
if (!['--native', '--package'].includes(flag) || !dir) {
  console.error('usage: check-dts.js --native <dir> | --package <dir>')
  process.exit(2)
}

function declaredExports (file) {
  const program = ts.createProgram([file], { noEmit: true, types: [] })
  const checker = program.getTypeChecker()
  const source = program.getSourceFile(file)
  const symbol = checker.getSymbolAtLocation(source)
  // Values only: a type or interface has no runtime counterpart to compare with.
  return checker.getExportsOfModule(symbol)
    .filter((s) => s.flags & ts.SymbolFlags.Value)
    .map((s) => s.getName())
    .sort()
}

function diff (label, declared, actual) {
  const d = new Set(declared)
  const a = new Set(actual)
  const problems = []
  for (const n of d) if (!a.has(n)) problems.push(`${label}: declared, not exported: ${n}`)
  for (const n of a) if (!d.has(n)) problems.push(`${label}: exported, not declared: ${n}`)
  return problems
}

const problems = []
let summary

if (flag === '--package') {
  const pkgDir = path.resolve(dir)
  const pkg = require(pkgDir)
  const main = require(path.join(pkgDir, 'package.json')).types
  problems.push(...diff('index.d.ts', declaredExports(path.join(pkgDir, main)),
    Object.keys(pkg).filter((k) => !k.startsWith('_'))))
  summary = `d.ts: the ${Object.keys(pkg).length} package exports match index.d.ts`
} else {
  checkNative(path.resolve(dir))
}

function checkNative (nativeDir) {
  const dts = path.join(nativeDir, 'native.d.ts')
  const addonFile = fs.readdirSync(nativeDir).find((f) => f.endsWith('.node'))
  if (!addonFile) throw new Error(`no .node addon in ${nativeDir}`)
  const addon = require(path.join(nativeDir, addonFile))
  // ExternalObject is a type-only helper class napi declares; it is never exported.
  const nativeDeclared = declaredExports(dts).filter((n) => n !== 'ExternalObject')
  // `#[napi] impl Task for X` registers an empty class X that the .d.ts leaves out.
  const tasks = (n) => /Task$/.test(n) && Object.getOwnPropertyNames(addon[n].prototype).length === 1
  // The raw Node-API entry point (bindings/node/src/fast_sign.rs) has no generated type.
  const RAW = ['signAuthorizationFast']
  problems.push(...diff('native.d.ts', nativeDeclared, Object.keys(addon).filter((n) => !tasks(n) && !RAW.includes(n))))

  const used = new Set()
  for (const f of fs.readdirSync(path.join(root, 'node')).filter((f) => /\.(c|m)?js$/.test(f))) {
    const text = fs.readFileSync(path.join(root, 'node', f), 'utf8')
    for (const m of text.matchAll(/(?<![/.\w])native\.([A-Za-z_$][\w$]*)/g)) used.add(m[1])
  }
  for (const n of used) if (!nativeDeclared.includes(n) && !RAW.includes(n)) problems.push(`node/*.js uses native.${n}, which native.d.ts does not declare`)
  // A class the JS layer only reaches as another native's return value (`build(): X`).
  const dtsText = fs.readFileSync(dts, 'utf8')
  for (const n of nativeDeclared) if (new RegExp(`\\): ${n}\\b`).test(dtsText)) used.add(n)
  for (const n of nativeDeclared) if (!used.has(n)) problems.push(`native.d.ts declares ${n}, which node/*.js never uses`)
  summary = `d.ts: the ${nativeDeclared.length} native exports match native.d.ts and node/*.js`
}

if (problems.length) {
  console.error(problems.join('\n'))
  process.exit(1)
}
console.log(summary)
