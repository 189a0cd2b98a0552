// Which of Taro's built-in components the app renders: every name imported from @tarojs/components in the
// sources Taro compiles (src/), plus the ones Taro's templates always include. The component tables of all
// others are emptied (./prune-loader.js); ./check-plugin.js fails the build if Taro's own record of the
// components it compiled holds one this list lacks, so a miss is a build error, never a broken page.
const { readdirSync, readFileSync, statSync } = require('node:fs')
const { join } = require('node:path')

// @tarojs/webpack5-runner/dist/utils/component.js, componentConfig.includes (the Static*/Pure*/Catch*/Click*
// variants share the View, Image and Text tables); the structural ones have tiny tables and stay too
const ALWAYS = ['View', 'ScrollView', 'Image', 'Text', 'Block', 'Slot', 'SlotView', 'NativeSlot', 'Script']

const IMPORT = /import\s*(type\s+)?\{([^}]*)\}\s*from\s*['"]@tarojs\/components['"]/g
const NAMESPACE_IMPORT =
  /import\s*\*\s*as\s+\w+\s+from\s*['"]@tarojs\/components['"]|require\(\s*['"]@tarojs\/components['"]\s*\)/

function sourceFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) return sourceFiles(full)
    return /\.(t|j)sx?$/.test(name) ? [full] : []
  })
}

/**
 * @param sourceRoots folders Taro compiles
 * @returns the component names (as @tarojs/components exports them: View, Button...), or null when a source
 *   imports the whole module (then nothing is pruned)
 */
function usedComponents(sourceRoots) {
  const used = new Set(ALWAYS)
  for (const file of sourceRoots.flatMap(sourceFiles)) {
    const text = readFileSync(file, 'utf8')
    if (NAMESPACE_IMPORT.test(text)) return null
    for (const match of text.matchAll(IMPORT)) {
      if (match[1]) continue // `import type { ... }`: no component rendered
      for (const spec of match[2].split(',')) {
        const name = spec
          .trim()
          .replace(/^type\s+/, '')
          .split(/\s+as\s+/)[0]
          .trim()
        if (name && !spec.trim().startsWith('type ')) used.add(name)
      }
    }
  }
  return used
}

module.exports = { usedComponents, ALWAYS }
