#!/usr/bin/env bash
# Builds the two local base images the Dockerfile needs when no container
# registry is reachable, and caches them in the engine's image store:
#
#   RUNTIME: Debian bookworm minbase, trimmed; the Dockerfile copies a jlinked
#            JRE into it, so it carries no Java of its own.
#   BUILD:   Debian bookworm minbase + Maven + a JDK >= 21 from the host at
#            /opt/java/openjdk (the layout of the eclipse-temurin images), so
#            the build stage can both compile and jlink.
#
# Usage: base-images.sh ENGINE...   (e.g. "podman --runtime runc" or "docker")
# Prints two lines: RUNTIME_IMAGE=... and BUILD_IMAGE=...
# Images are rebuilt only when missing; bump BASE_REV when the recipe changes.
set -euo pipefail

[ $# -ge 1 ] || { echo "usage: $0 ENGINE [ENGINE-ARGS...]" >&2; exit 64; }
engine=("$@")

BASE_REV=1
SUITE=${TOPO_DEBIAN_SUITE:-bookworm}
MIRROR=${TOPO_DEBIAN_MIRROR:-http://deb.debian.org/debian}
CACHE_DIR=${TOPO_CACHE_DIR:-/var/tmp/topo-smoke}
DEBOOTSTRAP_TIMEOUT=${TOPO_DEBOOTSTRAP_TIMEOUT:-900}

log() { printf '[base-images] %s\n' "$*" >&2; }

# The newest JDK >= 21 with jlink on this host. Temurin 25 ships without jmods
# (JEP 493), which jlink accepts; a distro JDK with jmods works as well.
find_host_jdk() {
    local best="" best_major=0 d major
    for d in ${TOPO_HOST_JDK:-/usr/lib/jvm/*}; do
        [ -x "$d/bin/jlink" ] && [ -f "$d/release" ] || continue
        major=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$d/release")
        if [ -n "$major" ] && [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
            best=$d best_major=$major
        fi
    done
    [ -n "$best" ] || return 1
    printf '%s %s\n' "$best" "$best_major"
}

image_exists() {
    "${engine[@]}" image exists "$1" 2>/dev/null \
        || "${engine[@]}" image inspect "$1" >/dev/null 2>&1
}

# Docs, man pages, locales and apt lists are dead weight in a server image.
trim_rootfs() {
    local root=$1
    rm -rf "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* \
        "$root"/usr/share/locale/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
        "$root"/var/lib/apt/lists/* "$root"/var/log/*.log "$root"/var/cache/debconf/*-old
}

debootstrap_into() {
    local root=$1; shift
    rm -rf "$root"
    mkdir -p "$root" "$CACHE_DIR/debs"
    # --cache-dir keeps the .debs, so the second image and later runs mostly skip downloads.
    if ! timeout "$DEBOOTSTRAP_TIMEOUT" debootstrap --variant=minbase --cache-dir="$CACHE_DIR/debs" \
            "$@" "$SUITE" "$root" "$MIRROR" >"$root.log" 2>&1; then
        log "debootstrap failed; last lines of $root.log:"
        tail -n 20 "$root.log" >&2
        return 1
    fi
}

import_rootfs() {
    local root=$1 name=$2; shift 2
    # import reports progress on stderr; show it only when the import fails.
    if ! tar --numeric-owner -C "$root" -c . | "${engine[@]}" import "$@" - "$name" >"$root.import.log" 2>&1; then
        cat "$root.import.log" >&2
        return 1
    fi
    rm -rf "$root" "$root.import.log"
}

runtime_image="localhost/topo-base-runtime:$SUITE-r$BASE_REV"
if image_exists "$runtime_image"; then
    log "cached: $runtime_image"
else
    log "building $runtime_image (debootstrap minbase, about a minute)"
    t0=$SECONDS
    root="$CACHE_DIR/rootfs-runtime"
    debootstrap_into "$root"
    trim_rootfs "$root"
    import_rootfs "$root" "$runtime_image" --change 'CMD ["/bin/bash"]'
    log "built $runtime_image in $((SECONDS - t0))s"
fi

read -r host_jdk jdk_major < <(find_host_jdk) || {
    log "no JDK >= 21 with jlink found under /usr/lib/jvm (set TOPO_HOST_JDK)"; exit 3; }
build_image="localhost/topo-base-build:$SUITE-jdk$jdk_major-r$BASE_REV"
if image_exists "$build_image"; then
    log "cached: $build_image"
else
    log "building $build_image (debootstrap minbase + maven, JDK from $host_jdk)"
    t0=$SECONDS
    root="$CACHE_DIR/rootfs-build"
    # Debian's maven drags in openjdk-17-jre-headless; JAVA_HOME below makes
    # mvn run on the copied JDK instead, whose jlink the Dockerfile needs.
    debootstrap_into "$root" --include=maven,ca-certificates
    trim_rootfs "$root"
    mkdir -p "$root/opt/java/openjdk"
    cp -a "$host_jdk/." "$root/opt/java/openjdk/"
    import_rootfs "$root" "$build_image" \
        --change 'ENV JAVA_HOME=/opt/java/openjdk' \
        --change 'ENV PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'CMD ["/bin/bash"]'
    log "built $build_image in $((SECONDS - t0))s"
fi

echo "RUNTIME_IMAGE=$runtime_image"
echo "BUILD_IMAGE=$build_image"
