# Shared by the reference hosting job scripts (sourced, never run). POSIX sh.
# Arguments: <hosting root> <path relative to it> <uid> <gid>; output: JSON lines
# {"status":"ok"|"error","message":"…"} on stdout, the last one being the verdict.

say() {
  # JSON string: no control characters, backslashes and quotes escaped.
  _msg=$(printf '%s' "$2" | tr -d '\000-\037' | sed 's/\\/\\\\/g; s/"/\\"/g')
  printf '{"status":"%s","message":"%s"}\n' "$1" "$_msg"
}

fail() {
  say error "$1"
  exit 1
}

# Checks the four arguments; sets root, rel, uid, gid, real_root and target (the expected real
# path: the real root, then the relative path as given, with no symlink anywhere below the root).
parse_args() {
  [ "$#" -eq 4 ] || fail "usage : $(basename "$0") <dossier de l'hébergement> <chemin relatif> <uid> <gid>"
  root=$1
  rel=${2%/}
  uid=$3
  gid=$4
  case $uid in '' | *[!0-9]*) fail "uid invalide : $uid" ;; esac
  case $gid in '' | *[!0-9]*) fail "gid invalide : $gid" ;; esac
  [ "$uid" -ne 0 ] && [ "$gid" -ne 0 ] || fail "refusé : jamais en tant que root (uid/gid 0)"
  case $root in /?*) ;; *) fail "le dossier de l'hébergement doit être un chemin absolu : $root" ;; esac
  case $rel in '' | /*) fail "le chemin doit être relatif au dossier de l'hébergement : $rel" ;; esac
  case "/$rel/" in
    */../* | */./* | *//*) fail "chemin refusé (.., . ou élément vide) : $rel" ;;
  esac
  [ -d "$root" ] || fail "dossier de l'hébergement absent : $root"
  real_root=$(realpath -e -- "$root") || fail "dossier de l'hébergement illisible : $root"
  target=$real_root/$rel
}

# The real path of $target (resolving what exists) must be $target itself: a symlink anywhere
# below the root (the target included) could lead out of it.
check_no_escape() {
  _resolved=$(realpath -m -- "$target") || fail "chemin illisible : $rel"
  [ "$_resolved" = "$target" ] || fail "refusé : $rel passe par un lien symbolique ($_resolved)"
}

# Runs a command as the hosting's uid/gid when we are root (never as root on a user's path);
# as ourselves otherwise (tests, a single-user machine).
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    setpriv --reuid="$uid" --regid="$gid" --clear-groups -- "$@"
  else
    "$@"
  fi
}
