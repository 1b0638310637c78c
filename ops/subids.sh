#!/usr/bin/env bash
# Gives each user (the arguments, else every member of group tally) 65536 subordinate uids and gids
# in /etc/subuid and /etc/subgid where it has none: tally runs a non-admin's containers in a user
# namespace whose root is the first id of that range. useradd on Debian 12 already allocates a
# range for each new regular user (SUB_UID_COUNT in /etc/login.defs); this covers users made
# before that, with --system, or by other tools. Idempotent.
set -euo pipefail
users=("$@")
if [ ${#users[@]} -eq 0 ] && getent group tally >/dev/null; then
  gid=$(getent group tally | cut -d: -f3)
  read -r -a users <<< "$(getent group tally | cut -d: -f4 | tr ',' ' ') $(getent passwd | awk -F: -v g="$gid" '$4 == g { print $1 }')"
fi
touch /etc/subuid /etc/subgid
for user in "${users[@]}"; do
  [ -n "$user" ] || continue
  uid=$(id -u "$user") || { echo "tally: no such user: $user" >&2; exit 1; }
  for file in subuid subgid; do
    if ! grep -Eq "^($user|$uid):[0-9]+:[1-9]" "/etc/$file"; then
      # the first free block above every range already given out, from 100000 as login.defs says
      start=$(awk -F: 'BEGIN { n = 100000 } { if ($2 + $3 > n) n = $2 + $3 } END { print n }' "/etc/$file")
      option=--add-subuids; [ "$file" = subgid ] && option=--add-subgids
      usermod "$option" "$start-$((start + 65535))" "$user"
      echo "tally: $user gets /etc/$file range $start-$((start + 65535))"
    fi
  done
done
