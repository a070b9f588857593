#!/usr/bin/env bash
# Makes the secrets of a new principal and prints its entry for a credentials file.
# Usage: scripts/new-principal.sh ID ROLE [PSP_HANDLE] [--signing]
#   writes ID.api-key (the bearer key: give it to the principal, keep it secret) and, with
#   --signing, ID.ed25519.pem (its private signing key: the principal keeps it; the switch
#   gets only the public key in the printed entry).
set -euo pipefail
if [ $# -lt 2 ]; then
  sed -n '2,6p' "$0" >&2
  exit 2
fi
id=$1 role=$2 psp="" signing=no
shift 2
for arg in "$@"; do
  case "$arg" in
    --signing) signing=yes ;;
    *) psp=$arg ;;
  esac
done
umask 077
openssl rand -base64 32 | tr -d '\n=' | tr '+/' '-_' > "$id.api-key"
key_sha256=$(tr -d '\n' < "$id.api-key" | sha256sum | cut -d' ' -f1)
entry="{\"id\": \"$id\", \"role\": \"$role\""
[ -n "$psp" ] && entry="$entry, \"psp\": \"$psp\""
entry="$entry, \"api_key_sha256\": \"$key_sha256\""
if [ "$signing" = yes ]; then
  openssl genpkey -algorithm ed25519 -out "$id.ed25519.pem" 2> /dev/null
  # The raw public key is the last 32 bytes of its DER form.
  public_key=$(openssl pkey -in "$id.ed25519.pem" -pubout -outform DER | tail -c 32 | base64)
  entry="$entry, \"signing\": {\"alg\": \"ed25519\", \"public_key\": \"$public_key\"}"
fi
echo "$entry}"
echo "wrote $id.api-key$([ "$signing" = yes ] && echo " and $id.ed25519.pem")" >&2
