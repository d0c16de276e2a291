#!/usr/bin/env bash
# Start a real public-inbox server (Debian's public-inbox) on 127.0.0.1 for tests.
# Adapted from shared/peers/public-inbox/start.sh: a clone has no ../shared at run time.
#
#   pi-start.sh --dir DIR [--port 8089] [--name test] MBOX...        build, index, serve
#   pi-start.sh --dir DIR [--name test] --add MBOX...                import more mail, re-index
#   pi-start.sh --dir DIR --stop                                     stop the server
#   pi-start.sh --dir DIR [--port 8089] --serve                      serve DIR's inbox again
#
# MBOX files are mboxrd (plain or .gz). On start it prints
#   URL=http://127.0.0.1:PORT/NAME/
#   PID=<httpd pid>
# Everything lives under DIR; the user's own public-inbox config is never touched.
set -euo pipefail
port=8089 name=test dir= mode=start
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port=$2; shift 2;;
    --name) name=$2; shift 2;;
    --dir) dir=$2; shift 2;;
    --add) mode=add; shift;;
    --stop) mode=stop; shift;;
    --serve) mode=serve; shift;;
    *) break;;
  esac
done
[ -n "$dir" ] || { sed -n '5,8p' "$0" >&2; exit 2; }
if [ "$mode" = stop ]; then
  [ -f "$dir/httpd.pid" ] || exit 0
  kill "$(cat "$dir/httpd.pid")" 2>/dev/null || true
  rm -f "$dir/httpd.pid"
  exit 0
fi
serve() {
  public-inbox-httpd -l "http://127.0.0.1:$port" >"$dir/httpd.log" 2>&1 &
  pid=$!; echo "$pid" >"$dir/httpd.pid"
  for _ in $(seq 50); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/$name/new.atom" 2>/dev/null && break
    kill -0 "$pid" 2>/dev/null || { cat "$dir/httpd.log" >&2; exit 1; }
    sleep 0.2
  done
  echo "URL=http://127.0.0.1:$port/$name/"
  echo "PID=$pid"
}
if [ "$mode" = serve ]; then
  dir=$(cd "$dir" && pwd)
  export PI_CONFIG="$dir/config" HOME="$dir"
  serve
  exit 0
fi
[ $# -gt 0 ] || { sed -n '5,8p' "$0" >&2; exit 2; }
command -v public-inbox-httpd >/dev/null || {
  apt-get install -y -qq public-inbox >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq public-inbox >/dev/null; }
}
mkdir -p "$dir"; dir=$(cd "$dir" && pwd)
export PI_CONFIG="$dir/config" HOME="$dir"

import_mbox() {
  for f in "$@"; do
    case "$f" in *.gz) gzip -dc "$f";; *) cat "$f";; esac |
    perl -MPublicInbox::Config -MPublicInbox::InboxWritable -e '
      my $ibx = PublicInbox::Config->new->lookup_name($ARGV[0]) or die "no inbox $ARGV[0]\n";
      PublicInbox::InboxWritable->new($ibx)->import_mbox(\*STDIN, "mboxrd");' "$name"
  done
  public-inbox-index "$dir/$name"
}

if [ "$mode" = add ]; then
  import_mbox "$@"
  exit 0
fi
rm -rf "${dir:?}/$name" "$PI_CONFIG"
public-inbox-init -V2 "$name" "$dir/$name" "http://127.0.0.1:$port/$name" "$name@example.com"
import_mbox "$@"
serve
