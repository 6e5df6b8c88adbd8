# shellcheck shell=bash
# Sourced by bin/compose-test: builds the Debian base image the project's Dockerfiles start FROM, on a
# host that reaches no container registry. `debootstrap --variant=minbase` makes a root file system
# from Debian packages (about 35 s), which is trimmed and imported into podman as debian:<suite>-slim.
# The image is built only when it is absent, so later runs cost nothing.

# ensure_base_image SUITE: makes localhost/debian:SUITE-slim and docker.io/library/debian:SUITE-slim
# (the second makes `FROM debian:SUITE-slim` resolve without a pull).
ensure_base_image() {
  local suite=$1 tag="debian:$1-slim" dir rc=0
  if podman image exists "docker.io/library/$tag" && podman image exists "localhost/$tag"; then
    return 0
  fi
  echo "building base image $tag with debootstrap (once)" >&2
  dir=$(mktemp -d /tmp/dtable-rootfs.XXXXXX)
  if ! as_root debootstrap --variant=minbase "$suite" "$dir" >"$dir.log" 2>&1; then
    echo "error: debootstrap $suite failed, see $dir.log" >&2
    as_root rm -rf "$dir"
    return 1
  fi
  # Trim files, keep folders: openjdk's postinst needs /usr/share/man/man1 to exist.
  as_root find "$dir/usr/share/doc" "$dir/usr/share/man" "$dir/usr/share/info" "$dir/usr/share/locale" \
    "$dir/var/cache/apt" "$dir/var/lib/apt/lists" -type f -delete 2>/dev/null || true
  # Like the official slim images: apt in a build keeps no docs, man pages or downloaded packages.
  as_root sh -c "cat > '$dir/etc/dpkg/dpkg.cfg.d/01-slim'" <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
CFG
  as_root sh -c "echo 'APT::Install-Recommends \"false\"; APT::Install-Suggests \"false\";' > '$dir/etc/apt/apt.conf.d/01-slim'"
  as_root tar -C "$dir" -c . | podman import --change 'CMD ["bash"]' - "localhost/$tag" >/dev/null || rc=$?
  as_root rm -rf "$dir" "$dir.log"
  [ "$rc" = 0 ] || { echo "error: podman import of $tag failed" >&2; return "$rc"; }
  podman tag "localhost/$tag" "docker.io/library/$tag"
}
