#!/bin/sh
# One-shot, idempotent: waits for the Temporal frontend, creates the namespace, and registers the
# search attributes of the managers' and finance officers' lists (SEARCH_ATTRIBUTES="Name=Type ..."), skipping those already there.
set -eu
: "${TEMPORAL_ADDRESS:?}" "${TEMPORAL_NAMESPACE:?}" "${SEARCH_ATTRIBUTES:?}"
command -v temporal >/dev/null || { echo "the temporal CLI is not on PATH (npm ci installs it into .tools/temporal/)"; exit 1; }

# Runs "$@" until it succeeds, up to 60 times two seconds apart.
retry() {
  tries=0
  until "$@" >/dev/null 2>&1; do
    tries=$((tries + 1))
    [ "$tries" -lt 60 ] || { echo "gave up after 60 tries: $*"; exit 1; }
    sleep 2
  done
}

retry temporal operator cluster health --address "$TEMPORAL_ADDRESS"

if ! temporal operator namespace describe --address "$TEMPORAL_ADDRESS" --namespace "$TEMPORAL_NAMESPACE" >/dev/null 2>&1; then
  temporal operator namespace create --address "$TEMPORAL_ADDRESS" --namespace "$TEMPORAL_NAMESPACE" --retention "${NAMESPACE_RETENTION:-30d}"
fi

# A new namespace takes a moment to be visible to every frontend.
retry temporal operator search-attribute list --address "$TEMPORAL_ADDRESS" --namespace "$TEMPORAL_NAMESPACE"
existing="$(temporal operator search-attribute list --address "$TEMPORAL_ADDRESS" --namespace "$TEMPORAL_NAMESPACE")"
for pair in $SEARCH_ATTRIBUTES; do
  name="${pair%%=*}"
  type="${pair#*=}"
  if echo "$existing" | grep -qw "$name"; then
    echo "search attribute $name exists"
  else
    temporal operator search-attribute create --address "$TEMPORAL_ADDRESS" --namespace "$TEMPORAL_NAMESPACE" --name "$name" --type "$type"
  fi
done
echo "namespace $TEMPORAL_NAMESPACE and search attributes are ready"
