#!/bin/sh
# popbot's container image, built where no image registry can be reached: a Debian 12 base
# made from Debian's packages (mmdebstrap), then the Dockerfile on it (buildah, chroot
# isolation: no OCI runtime needed). Run as root from the repository's top folder:
#
#   deploy/image.sh [TAG]          (default localhost/popbot:dev)
#
# POPBOT_IMAGE_CA: a CA bundle for pip behind a TLS-inspecting proxy (given to the build as
# the secret `ca`, never kept in the image). Where a registry is reachable, plain
# `docker build -t popbot .` does the same from the public Debian image.
set -eu
tag=${1:-localhost/popbot:dev}
base=localhost/popbot-base:bookworm
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# the packages the Dockerfile would otherwise install (it skips what is there), and passwd
# for its user
mmdebstrap --quiet --variant=minbase \
  --include=passwd,python3,python3-venv,ca-certificates,fonts-dejavu-core,fonts-noto-core,fonts-noto-cjk,fonts-noto-color-emoji,graphviz \
  bookworm "$work/base.tar"
container=$(buildah from scratch)
buildah add --quiet "$container" "$work/base.tar" / >/dev/null
buildah commit --quiet --rm "$container" "$base" >/dev/null

secret=""
if [ -n "${POPBOT_IMAGE_CA:-}" ]; then secret="--secret id=ca,src=$POPBOT_IMAGE_CA"; fi
# shellcheck disable=SC2086  # $secret is two words or none
buildah bud --quiet --format docker --isolation chroot --layers $secret --build-arg "BASE=$base" -t "$tag" -f Dockerfile .
echo "$tag"
