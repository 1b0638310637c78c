#!/usr/bin/env bash
# Makes a test CA, a server certificate for tallyd and one client certificate per CN, with openssl,
# named the way dockerd and the docker CLI expect them:
#
#   DIR/ca.pem DIR/ca-key.pem               the CA (keep ca-key.pem away from the daemon's host)
#   DIR/server-cert.pem DIR/server-key.pem  tallyd --tlsverify --tlscacert DIR/ca.pem
#                                             --tlscert DIR/server-cert.pem --tlskey DIR/server-key.pem
#   DIR/CN/ca.pem DIR/CN/cert.pem DIR/CN/key.pem
#                                           DOCKER_CERT_PATH=DIR/CN DOCKER_TLS_VERIFY=1, or
#                                           tally --tlsverify --tlscacert … --tlscert … --tlskey …
#
# tallyd's policy maps a client certificate's CN to a user ("tlsUsers": {"CN": "user"}); a CN it
# does not map is refused.
# Usage: make-certs.sh DIR [CN...]   (CNs default to the user running the script)
# Environment: TALLY_CERT_KEY=ec (P-256, the default) or rsa (2048 bits); TALLY_CERT_SAN: extra
# subjectAltName entries for the server, e.g. "IP:10.0.0.5,DNS:build.example.org";
# TALLY_CERT_DAYS (default 365). An existing CA and server certificate in DIR are kept, so more
# clients can be added later (delete server-cert.pem to make a new one).
set -euo pipefail

if [ $# -lt 1 ] || [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
  echo "usage: $0 DIR [CN...]" >&2
  exit 2
fi
dir=$1
shift
cns=("$@")
[ ${#cns[@]} -gt 0 ] || cns=("$(id -un)")
days=${TALLY_CERT_DAYS:-365}
keytype=${TALLY_CERT_KEY:-ec}
command -v openssl >/dev/null || { echo "make-certs: openssl is not installed (apt-get install openssl)" >&2; exit 1; }

for cn in "${cns[@]}"; do
  if ! [[ "$cn" =~ ^[A-Za-z0-9._@+-]{1,64}$ ]] || [ "$cn" = "." ] || [ "$cn" = ".." ]; then
    echo "make-certs: CN \"$cn\" is not a usable user name (letters, digits, . _ @ + -)" >&2
    exit 2
  fi
done

umask 077
mkdir -p "$dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Private keys in PKCS#8 PEM ("BEGIN PRIVATE KEY"), openssl 3's default and what tally reads.
new_key() {
  case "$keytype" in
    ec) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null ;;
    rsa) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null ;;
    *) echo "make-certs: TALLY_CERT_KEY must be ec or rsa, not $keytype" >&2; exit 2 ;;
  esac
}

# sign KEY SUBJECT EXTENSIONS OUT: a certificate for KEY signed by the CA.
sign() {
  openssl req -new -key "$1" -subj "$2" -out "$work/req.csr"
  printf '%b' "$3" > "$work/ext.cnf"
  openssl x509 -req -in "$work/req.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca-key.pem" \
    -set_serial "0x$(openssl rand -hex 16)" -days "$days" -sha256 -extfile "$work/ext.cnf" -out "$4" 2>/dev/null
}

if [ ! -f "$dir/ca.pem" ] || [ ! -f "$dir/ca-key.pem" ]; then
  new_key "$dir/ca-key.pem"
  openssl req -x509 -new -key "$dir/ca-key.pem" -sha256 -days "$days" -subj "/CN=tally test CA $(date -u +%Y%m%dT%H%M%SZ)" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$dir/ca.pem"
  echo "make-certs: new CA $dir/ca.pem"
fi

# ECDSA keys only sign; RSA keys may also carry TLS 1.2's RSA key exchange.
usage="digitalSignature"
[ "$keytype" = rsa ] && usage="digitalSignature,keyEncipherment"
san="IP:127.0.0.1,IP:::1,DNS:localhost,DNS:$(hostname)"
[ -n "${TALLY_CERT_SAN:-}" ] && san="$san,$TALLY_CERT_SAN"
if [ ! -f "$dir/server-cert.pem" ] || [ ! -f "$dir/server-key.pem" ]; then
  new_key "$dir/server-key.pem"
  sign "$dir/server-key.pem" "/CN=tallyd" \
    "basicConstraints=CA:FALSE\nkeyUsage=critical,$usage\nextendedKeyUsage=serverAuth\nsubjectAltName=$san\n" \
    "$dir/server-cert.pem"
  echo "make-certs: server $dir/server-cert.pem ($san)"
fi

for cn in "${cns[@]}"; do
  mkdir -p "$dir/$cn"
  new_key "$dir/$cn/key.pem"
  sign "$dir/$cn/key.pem" "/CN=$cn" \
    "basicConstraints=CA:FALSE\nkeyUsage=critical,$usage\nextendedKeyUsage=clientAuth\n" \
    "$dir/$cn/cert.pem"
  cp "$dir/ca.pem" "$dir/$cn/ca.pem"
  echo "make-certs: client $cn in $dir/$cn (DOCKER_CERT_PATH=$dir/$cn DOCKER_TLS_VERIFY=1)"
done
chmod 644 "$dir/ca.pem" "$dir/server-cert.pem"
