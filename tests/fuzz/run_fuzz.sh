#!/bin/sh
# Runs a libFuzzer binary over a scratch copy of a seed corpus, so that the
# inputs it adds never land in the source tree. Fails on any crash, leak,
# timeout or out-of-memory; the reproducer goes to ARTIFACT_DIR.
# Usage: run_fuzz.sh FUZZER SEED_CORPUS_DIR ARTIFACT_DIR [libFuzzer flags...]
set -eu
fuzzer=$1 seeds=$2 artifacts=$3
shift 3
work=$(mktemp -d "${TMPDIR:-/tmp}/parkd-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -R "$seeds"/. "$work"/
mkdir -p "$artifacts"
"$fuzzer" -artifact_prefix="$artifacts"/ "$@" "$work"
