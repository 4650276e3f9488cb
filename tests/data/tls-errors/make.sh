#!/bin/sh
# Regenerates the certificates of the TLS failure tests (tests/cli/tls_errors.rs):
# a CA the tests trust, a CA they do not, and one server certificate per failure.
# Run from this directory: sh make.sh (needs openssl 3). Test keys only.
set -eu
rm -rf work && mkdir work && touch work/index.txt && echo 1000 > work/serial
ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }
ec ca.key && ec stranger-ca.key && ec server.key
openssl req -x509 -new -key ca.key -subj "/CN=obssl errors test CA" -days 36500 \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign -out ca.pem
openssl req -x509 -new -key stranger-ca.key -subj "/O=Stranger Ltd/CN=Stranger Root CA" -days 36500 \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign -out stranger-ca.pem
cat > work/ca.cnf <<'CNF'
[ca]
default_ca = test
[test]
dir = work
database = work/index.txt
serial = work/serial
new_certs_dir = work
default_md = sha256
policy = any
copy_extensions = none
unique_subject = no
[any]
commonName = supplied
[leaf]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = $ENV::SAN
CNF
# leaf NAME CA START END SAN
leaf() {
  openssl req -new -key server.key -subj "/CN=$5" -out work/$1.csr
  SAN="$4" openssl ca -batch -config work/ca.cnf -extensions leaf -notext \
    -cert "$2.pem" -keyfile "$2.key" -startdate "$3" -enddate "$6" -in work/$1.csr -out $1.pem
}
leaf good ca 20260101000000Z "IP:127.0.0.1,DNS:localhost" 127.0.0.1 21250101000000Z
leaf expired ca 20200101000000Z "IP:127.0.0.1,DNS:localhost" 127.0.0.1 20210601120000Z
leaf not-yet-valid ca 21000101000000Z "IP:127.0.0.1,DNS:localhost" 127.0.0.1 21010101000000Z
leaf wrong-name ca 20260101000000Z "DNS:db.example.com,DNS:*.example.net" db.example.com 21250101000000Z
leaf stranger stranger-ca 20260101000000Z "IP:127.0.0.1,DNS:localhost" 127.0.0.1 21250101000000Z
rm -rf work
