#!/bin/sh
# `npm run docker:check`: builds the production image, checks compose.yaml, and starts the image with
# a bad setting to see the bot stop with its one-line error. Where there is no Docker daemon (CI,
# most sandboxes) it says so and succeeds: tests/unit/container.test.ts checks the files themselves.
set -eu
cd "$(dirname "$0")/.."

if ! command -v docker >/dev/null 2>&1; then
  echo "docker not available, skipped: no docker command on this machine."
  exit 0
fi
if ! docker info >/dev/null 2>&1; then
  echo "docker not available, skipped: the docker command cannot reach a Docker daemon."
  exit 0
fi

image="kiss-scene-bot:check"
echo "== docker build -t $image ."
docker build -t "$image" .

echo "== docker compose config"
# compose.yaml reads the settings from .env; without one, check it against .env.example (removed after).
made_env=""
if [ ! -f .env ]; then
  cp .env.example .env
  made_env="yes"
fi
status=0
docker compose config --quiet || status=$?
if [ -n "$made_env" ]; then rm -f .env; fi
if [ "$status" -ne 0 ]; then
  echo "docker compose config failed" >&2
  exit "$status"
fi
echo "compose.yaml is valid"

echo "== the image refuses a bad setting in one line"
set +e
output=$(docker run --rm -e DISCORD_TOKEN= -e LOG_LEVEL=loud "$image" node dist/src/main.js 2>&1)
code=$?
set -e
echo "$output"
lines=$(printf '%s\n' "$output" | wc -l)
case "$output" in
  "Config error: "*) ;;
  *) echo "expected one line starting with 'Config error:' (exit code $code)" >&2; exit 1 ;;
esac
if [ "$code" -ne 1 ] || [ "$lines" -ne 1 ]; then
  echo "expected exit code 1 and one line, got exit code $code and $lines lines" >&2
  exit 1
fi

echo "== the image holds every command (deploy --dry-run, as the repository's)"
docker run --rm "$image" node dist/src/deploy.js --dry-run > /dev/null
echo "docker check passed"
